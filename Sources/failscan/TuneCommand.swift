import Analyzer
import ArgumentParser
import Fail2banConfig
import Output

#if canImport(Glibc)
    import Glibc
#endif

/// `failscan tune`: what-if replays of one jail over a grid of settings.
extension TuneOutput.Format: ExpressibleByArgument {}

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Replay a jail under a grid of maxretry, findtime and bantime: bans, stopped failures, slow attackers, locked-out users.",
        discussion: """
            The jail's logs (its logpath, or LOGS) are read and matched once; every setting of \
            the grid (each list's values combined) is a replay of the same failures by the \
            FailManager of `failscan jails`, so each gives the bans a jails run with that \
            setting gives. Per setting: bans, addresses banned, failures stopped (those that \
            came while their address's ban ran), slow attackers (addresses that never logged in, with at least \
            maxretry failures never banned), the time from an address's first failure to its \
            first ban (median, 90th percentile), and lockouts: addresses that logged in \
            successfully in the same logs and that the setting bans (legitimate users), with \
            the user, when, and the failures that led to it.

            Successful logins are found by success regexes: failscan's own for sshd \
            (Accepted), dovecot (Login: user=<...> rip=), postfix (SASL client=... \
            sasl_username=), courier-auth (LOGIN, user=) and the seed qpopper filters; a \
            filter's [Definition] successregex replaces them, a jail's successregex replaces \
            the filter's (a line <filter> stands for the filter's). <HOST> is the address, \
            <F-USER> the user.

            Examples:
              failscan tune --jail sshd --maxretry 3,5,10 --findtime 10m,1h,1d
              failscan tune --jail dovecot --format html --output tune.html
            """
    )

    @OptionGroup var filterArguments: FilterArguments

    @Option(name: .long, help: ArgumentHelp("The jail to tune.", valueName: "name"), completion: .jails)
    var jail: String

    @Option(name: .long, help: ArgumentHelp("maxretry values, comma-separated (default: the jail's).", valueName: "list"))
    var maxretry: String?

    @Option(name: .long, help: ArgumentHelp("findtime values, comma-separated: 10m,1h,1d (default: the jail's).", valueName: "list"))
    var findtime: String?

    @Option(name: .long, help: ArgumentHelp("bantime values, comma-separated, -1 forever (default: the jail's).", valueName: "list"))
    var bantime: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "bantime.increment on, off, or on,off for both (on: the jail's increment settings, else fail2ban's defaults; default: the jail's).",
            valueName: "list"))
    var increment: String?

    @OptionGroup var rules: ReplayRules

    @Flag(
        name: .customLong("no-lockouts"),
        help:
            "Do not look for successful logins (no lockout estimate): on logs with millions of logins, the grid then costs about one jails run."
    )
    var noLockouts = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "table, json (a line per setting, then {\"scan\": ...}), csv, or html (the jail's forensic report with the grid as heatmaps).",
            valueName: "format"))
    var format: TuneOutput.Format = .table

    @Option(
        name: .long,
        help: ArgumentHelp("Write to this file (atomically: a temporary file, then rename) instead of standard output.", valueName: "file"),
        completion: .file())
    var output: String?

    @Argument(help: ArgumentHelp("Logs to read instead of the jail's logpath, in this order.", valueName: "logs"), completion: .file())
    var givenLogs: [String] = []

    /// The logs given, with those taken past the parser included (``LongArgumentList``).
    var logs: [String] { LongArgumentList.appended(to: givenLogs) }

    /// The grid's values as given.
    var values: TuneValues { TuneValues(maxRetry: maxretry, findTime: findtime, banTime: bantime, increment: increment) }

    /// The most settings a grid may have (the table, CSV and HTML keep each one's counts
    /// and a few lockouts; JSON streams each one's lists, a batch at a time).
    static let gridLimit = 10_000

    func validate() throws {
        let size: Int
        do { size = try values.size() } catch { throw ValidationError("--\(error.option) \(error.message)") }
        if size > Self.gridLimit {
            throw ValidationError("a grid of \(size) settings; at most \(Self.gridLimit) (fewer values per option)")
        }
        if format == .html, output == nil, isatty(1) == 1 {
            throw ValidationError("--format html writes a page for a browser, not a terminal: name it with --output FILE (or redirect)")
        }
    }

    func run() throws {
        try ExitStatus.run {
            let config = try JailsCommand.select([jail], configDirectory: filterArguments.config, root: filterArguments.fileRoot)[0]
            let (replayJail, success) = try Tuning.subject(
                config, logs: logs, options: filterArguments.filterOptions, lockouts: !noLockouts)
            let settings = try values.grid(for: config)
            // The HTML report lists users tried: failures keep their fields.
            let replay = rules.replay([replayJail], options: filterArguments.scanOptions(detailed: format == .html))
            for note in replay.notes { Diagnostics.note(note) }
            let tuning = Tuning(jail: replayJail, success: success, settings: settings, replay: replay)
            if !noLockouts { Diagnostics.report(tuning.findings) }
            let writer = try TuneOutput(format, jail: config.name, settings: StandardOutput.settings(output))
            let result = tuning.run(
                progress: Progress.makeReporter(paths: replayJail.files, mode: filterArguments.progress), each: writer.each,
                detail: writer.detail, emit: writer.emit)
            Progress.finish()
            Diagnostics.report(result.summary.inputFindings)
            guard result.summary.filesRead > 0 else { throw ExitStatus.NoInput() }
            let context = TuneWriter.Context(
                jail: config.name, files: replayJail.files, logins: result.logins, legitimate: result.legitimate,
                hasSuccessRegex: success != nil, lockoutsSkipped: noLockouts,
                current: TuneSetting(
                    maxRetry: config.maxRetry, findTime: config.findTime, banTime: config.banTime, increment: config.banTimeIncrement != nil
                ))
            try writer.finish(result, context: context)
            if !result.summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
        }
    }
}
