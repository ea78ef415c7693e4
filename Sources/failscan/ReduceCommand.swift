import Analyzer
import ArgumentParser
import Ledger

/// `failscan reduce`: ledgers of every shard in, what one `failscan jails` would write out.
struct ReduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reduce",
        abstract: "Merge the ledgers of failscan map and write what one failscan jails over all the files would write.",
        discussion: """
            The reduce half of a distributed `failscan jails`: LEDGERS are every ledger of every \
            shard, all partitions. Each partition's failures are merged per \
            address and jail in the order one scan would have read them (files in logpath \
            order, lines in order), FailManager decides the bans, and the chosen format is \
            written: the same bytes as `failscan jails` (the sqlite database the same rows). \
            Ledgers made under another configuration (jails, filters, logpath, the map's \
            options) or by another failscan version are refused, with the reason.
            """
    )

    @Option(
        name: [.customShort("c"), .long],
        help: ArgumentHelp(
            "fail2ban configuration root: the jails and filters the ledgers were mapped with (maxretry, findtime, bantime and ignoreip may differ: they decide bans, not failures).",
            valueName: "dir"), completion: .directory)
    var config: String = "/etc/fail2ban"

    @Option(name: .long, help: ArgumentHelp("Threads reducing the partitions (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The map's --now, if it had one: the reduce takes the map's (it decided the years), so a different value is refused.",
            valueName: "epoch"))
    var now: Int?

    @Option(
        name: [.customLong("timezone"), .customLong("TZ")],
        help: ArgumentHelp("The map's --timezone, if it had one: taken from the ledgers, a different value refused.", valueName: "zone"))
    var timezone: String?

    @Flag(
        name: .customLong("recidive-from-replay"),
        help:
            "Feed jails with the recidive filter with the other jails' bans (each ban a failure at its start) instead of their files."
    )
    var recidiveFromReplay = false

    @OptionGroup var replayArguments: ReplayArguments

    @Argument(help: ArgumentHelp("The ledgers (.ledger.zst) of every shard.", valueName: "ledgers"), completion: .file(extensions: ["zst"]))
    var givenLedgers: [String]

    /// The ledgers given, with those taken past the parser included (``LongArgumentList``).
    var ledgers: [String] { LongArgumentList.appended(to: givenLedgers) }

    func validate() throws {
        try FilterArguments.checkThreads(threads)
    }

    func run() throws {
        try ExitStatus.run {
            let filterArguments = try FilterArguments.parse(["--config", config] + (threads.map { ["--threads", String($0)] } ?? []))
            // Headers first (checked together); each partition's failures when it is decided.
            let read = try LedgerReader.readAll(ledgers, headersOnly: true)
            guard !read.isEmpty else { throw ExitStatus.NoInput() }
            let set = try LedgerSet(read, failscan: Failscan.number)
            try set.checkRepeatedMapOptions(now: now, timeZone: timezone)
            // The jails, from this configuration, checked against the map's.
            let selected = try JailsCommand.select(set.header.jails, configDirectory: filterArguments.config)
            let jails = try set.jails(selected, options: filterArguments.filterOptions, configDirectory: filterArguments.config)
            var replay = replayArguments.replay(jails, options: filterArguments.scanOptions())
            replay.recidiveFromReplay = recidiveFromReplay
            // What the maps met reading their files.
            let findings = set.findings
            Diagnostics.report(findings)
            try replayArguments.execute(jails: jails, notes: replay.notes, filterArguments: filterArguments) { _, each in
                try set.reduce(replay, each: each)
            }
            if !findings.isEmpty { throw ExitStatus.incompleteInput }
        }
    }
}
