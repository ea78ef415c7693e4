import Analyzer
import ArgumentParser
import Fail2banConfig
import LogSource
import Output

/// `failscan scan`: one filter over the logs given, replayed as one jail.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan logs with a filter and print the addresses to ban.",
        discussion: """
            A replay of one jail: the filter, --maxretry, --findtime, --bantime and \
            --ignoreip, over the logs given. Logs may be plain or compressed (gzip, zstd, xz, \
            bzip2, recognised by content) and are read oldest first when they form a \
            logrotate set (mail.log.2.gz, mail.log.1, mail.log). Bans are decided as \
            fail2ban's FailManager would have with the logs' time as its clock (--window \
            sliding: maxretry failures within any findtime interval); the outputs are those \
            of `failscan jails`, the jail named after the filter (--name).

            With --journal, the filter reads systemd journal files instead (a copy of \
            /var/log/journal: a directory, a file, a glob), as fail2ban's systemd backend \
            reads them: the filter's journalmatch (or --journalmatch) selects the entries, \
            each entry is the line `HOST IDENT[PID]: MESSAGE` with the entry's own time.

            Examples:
              failscan scan --filter /etc/fail2ban/filter.d/dovecot.conf /var/log/mail.log*
              failscan scan --filter sshd --journal /mnt/server/var/log/journal
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A fail2ban filter: a .conf file, a name in <config>/filter.d, optionally with arguments (dovecot[mode=aggressive]), or a failregex as regex takes it ('Failed password for .* from <HOST>'; the jail is then named regex unless --name).",
            valueName: "filter"), completion: .filters)
    var filter: String

    @OptionGroup var filterArguments: FilterArguments

    @Option(name: .long, help: "Failures that make a ban (fail2ban's maxretry).")
    var maxretry: Int = 5

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds in which --maxretry failures make a ban (fail2ban's findtime; units as in jail.conf: 10m, 1h).", valueName: "time"))
    var findtime: String = "600"

    @Option(name: .long, help: ArgumentHelp("How long a ban lasts (fail2ban's bantime; -1 forever).", valueName: "time"))
    var bantime: String = "600"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Addresses or networks never banned (fail2ban's ignoreip: several separated by blanks or commas); repeatable.",
            valueName: "cidr"))
    var ignoreip: [String] = []

    /// `--ignoreip` values, each split as fail2ban splits its ignoreip list (blanks and commas).
    var ignoredAddresses: [String] {
        ignoreip.flatMap { $0.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init) }
    }

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Never ban loopback and the --self-address addresses (fail2ban's ignoreself, on by default).")
    var ignoreself = true

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The jail's name: firewall names (chain failscan-<name>, sets) and database rows (default: the filter's name).",
            valueName: "name"))
    var name: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Firewall formats: the ports to block, as a jail's port: numbers, ranges n:m and service names, comma-separated (ssh,2222); default every port.",
            valueName: "ports"))
    var port: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Firewall formats: the protocol to block, as a jail's protocol: tcp (default), udp, udplite, sctp, dccp or all.",
            valueName: "proto"))
    var `protocol`: String?

    @OptionGroup var replayArguments: ReplayArguments

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read systemd journal files instead of log files: a journal file, a directory (every *.journal, *@*.journal, *.journal~ under it, and their .zst, .xz, .gz, .bz2 copies) or a glob; repeatable.",
            valueName: "path"), completion: .file())
    var journal: [String] = []

    @Option(
        name: .customLong("journalmatch"),
        help: ArgumentHelp(
            "With --journal: the journal matches instead of the filter's journalmatch (FIELD=value, groups ORed with +, as in a filter); \"\" reads every entry.",
            valueName: "matches"))
    var journalMatch: String?

    @Argument(help: ArgumentHelp("Log files to scan.", valueName: "log"), completion: .file())
    var givenLogs: [String] = []

    /// The logs given, with those taken past the parser included (``LongArgumentList``).
    var logs: [String] { LongArgumentList.appended(to: givenLogs) }

    func validate() throws {
        if let problem = JailConfig.problem(
            maxRetry: maxretry, findTime: findtime, banTime: bantime, ignoreIP: ignoredAddresses, name: name)
        {
            throw ValidationError(problem)
        }
        if logs.isEmpty && journal.isEmpty { throw ValidationError("name at least one log file (or --journal)") }
        if !logs.isEmpty && !journal.isEmpty { throw ValidationError("give log files or --journal, not both (a jail reads one backend)") }
        if journalMatch != nil && journal.isEmpty { throw ValidationError("--journalmatch is for --journal") }
        if port != nil || `protocol` != nil {
            guard replayArguments.format.isFirewall else {
                throw ValidationError(
                    "--port and --protocol are for the firewall formats (\(replayArguments.format.rawValue) holds no rules)")
            }
            let config = JailConfig(name: name ?? "scan", port: port ?? "0:65535", protocol: `protocol` ?? "tcp")
            do { _ = try FirewallJail.protocolAndPorts(config) } catch { throw ValidationError(error.reason) }
        }
    }

    func run() throws {
        try ExitStatus.run {
            // A failregex given as the filter, as regex takes it (one with a tag such as
            // <HOST>: a mistyped filter name stays an error).
            let compiled = try CompiledFilter(
                spec: filter, options: filterArguments.filterOptions, regexFallback: filter.contains("<"),
                arguments: journal.isEmpty ? [:] : ["logtype": "journal"])
            let jail = JailConfig(
                name: name ?? compiled.config.name, filter: filter, maxRetry: maxretry,
                findTime: Duration.seconds(findtime)!, banTime: Duration.seconds(bantime)!, ignoreIP: ignoredAddresses,
                ignoreSelf: ignoreself, port: port ?? "0:65535", protocol: `protocol` ?? "tcp")
            let inputs: [LogInput]
            if journal.isEmpty {
                inputs = RotatedSet.timeOrder(logs).map(LogInput.file)
            } else {
                var seen = Set<String>()
                let files = journal.flatMap(JournalFiles.named).filter { seen.insert($0).inserted }
                guard !files.isEmpty else {
                    throw ScanError(
                        .open, path: journal.joined(separator: " "),
                        "no journal file (*.journal, *.journal~, compressed *.journal.zst and the like) there")
                }
                let matches = JournalSelection.matches(journalMatch.map { [$0] } ?? compiled.config.journalMatch)
                inputs = JournalFiles.streams(files, matches: matches).map(LogInput.journal)
            }
            let replay = replayArguments.replay(
                [JailReplay.Jail(config: jail, filter: compiled, inputs: inputs)], options: filterArguments.scanOptions())
            try replayArguments.execute(replay, filterArguments: filterArguments)
        }
    }
}
