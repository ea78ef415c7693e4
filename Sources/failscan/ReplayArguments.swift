import Analyzer
import ArgumentParser
import Fail2banConfig
import LogSource
import Output

#if canImport(Glibc)
    import Glibc
#endif

extension OutputFormat: ExpressibleByArgument {}
extension BanWindow: ExpressibleByArgument {}

/// What `scan`, `jails` and `reduce` share after the jails are known: the replay's rules,
/// the output; and the one path that runs a replay and writes its result.
struct ReplayArguments: ParsableArguments {
    @OptionGroup var rules: ReplayRules

    @Option(
        name: .customLong("active-at"),
        help: ArgumentHelp(
            "Keep only bans whose bantime has not run out at this time (Unix seconds, YYYY-MM-DD[THH:MM[:SS]] local, or now); firewall formats give each what it has left as its timeout. Default for the firewall formats: the last failure in the logs; for list: every ban.",
            valueName: "time"))
    var activeAt: String?

    @Flag(
        name: .customLong("all-bans"),
        help: "Firewall formats: every ban the logs gave, permanent (a blocklist), rather than the bans running at --active-at.")
    var allBans = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Output format; fail2ban-db (the fail2ban sqlite database fail2ban would have had at the handoff: --active-at in the logs' own times, by default the last failure moved to now; bans restored until their real ends) and sqlite (every failure and ban, for sqlite3 or DuckDB) need --output; html is a self-contained forensic report (summary, timeline, top addresses, networks, a table that sorts and filters) to open in a browser.",
            valueName: "format"))
    var format: OutputFormat = .list

    @Option(
        name: .long,
        help: ArgumentHelp("Write to this file (atomically: a temporary file, then rename) instead of standard output.", valueName: "file"),
        completion: .file())
    var output: String?

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "fail2ban-db and sqlite: replace a database failscan would otherwise refuse to change (another fail2ban schema version, another database's tables, a report of other jails, a file that is no database). Without it an existing fail2ban database is merged into and an earlier report of the same jails replaced."
        ))
    var replace = false

    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp(
            "fail2ban-db and sqlite: seconds to wait for another writer's lock on an existing database (a running fail2ban-server, sqlite3) before giving up with nothing written.",
            valueName: "seconds"))
    var lockTimeout: Double = 10

    @Flag(name: .long, help: "Print statistics on standard error.")
    var stats = false

    @Option(
        name: .customLong("name-prefix"),
        help: ArgumentHelp(
            "Firewall formats: the prefix of every name the file creates (iptables chains PREFIX and PREFIX-<jail>, ipsets PREFIX-<jail>, nft table inet PREFIX, firewalld ipsets, crowdsec reasons); never fail2ban's f2b.",
            valueName: "prefix"))
    var namePrefix: String = FirewallJail.defaultPrefix

    @Option(
        name: .customLong("time-format"),
        help: ArgumentHelp(
            "json and csv: times as unix (seconds, the default) or iso (ISO 8601 in UTC; a ban without end: never).", valueName: "form"))
    var timeFormat: String = "unix"

    // What users of other tools type, answered with what does the job here (the parser's
    // own guess for an unknown option would be a near spelling: --json -> --now).
    @Flag(name: .customLong("json"), help: .hidden) var jsonFlag = false
    @Flag(name: .customLong("csv"), help: .hidden) var csvFlag = false

    /// How existing databases are treated.
    var database: Fail2banDatabaseWriter.DatabaseOptions { .init(lockTimeout: lockTimeout, replace: replace) }

    func validate() throws {
        if !["unix", "iso"].contains(timeFormat) { throw ValidationError("--time-format \(timeFormat): unix or iso") }
        if timeFormat == "iso", ![.json, .csv].contains(format) {
            throw ValidationError("--time-format is for --format json and csv (\(format.rawValue) writes no times as text)")
        }
        if jsonFlag || csvFlag { throw ValidationError("--\(jsonFlag ? "json" : "csv") is --format \(jsonFlag ? "json" : "csv") here") }
        if let problem = FirewallJail.prefixProblem(namePrefix) { throw ValidationError("--name-prefix \(namePrefix): \(problem)") }
        if allBans, activeAt != nil { throw ValidationError("--all-bans keeps every ban: give it or --active-at, not both") }
        if allBans, !format.isFirewall {
            throw ValidationError("--all-bans is for the firewall formats (\(format.rawValue) keeps every ban unless --active-at)")
        }
        if let activeAt, activeAt != "now", CivilTime.parse(activeAt) == nil {
            throw ValidationError("--active-at \(activeAt): not a time (Unix seconds, YYYY-MM-DD[THH:MM[:SS]] or now)")
        }
        if format == .html, output == nil, isatty(1) == 1 {
            throw ValidationError("--format html writes a page for a browser, not a terminal: name it with --output FILE (or redirect)")
        }
        if format.isDatabase, output == nil {
            throw ValidationError("--format \(format.rawValue) writes a database: name it with --output")
        }
        guard lockTimeout.isFinite, lockTimeout >= 0, lockTimeout <= 86_400 else {
            throw ValidationError("--lock-timeout \(lockTimeout): seconds from 0 to 86400")
        }
        if !format.isDatabase, replace || lockTimeout != 10 {
            throw ValidationError("--replace and --lock-timeout are for the database formats (fail2ban-db, sqlite)")
        }
    }

    /// A replay of `jails` with these options.
    func replay(_ jails: [JailReplay.Jail], options: ScanOptions) -> JailReplay { rules.replay(jails, options: options) }

    /// Runs `replay` with progress on a terminal, reports problems, writes the output.
    /// - Throws: exit status 1 when some input was unreadable, ``ExitStatus/NoInput``
    ///   when none could be read, output errors.
    func execute(_ replay: JailReplay, filterArguments: FilterArguments) throws {
        try execute(jails: replay.jails, notes: replay.notes, filterArguments: filterArguments) { detailed, each in
            var replay = replay
            // Every failure with its user and line: the scan keeps captures and counts lines.
            if detailed { replay.options.detailed = true }
            return replay.run(
                progress: Progress.makeReporter(paths: Array(Set(replay.jails.flatMap(\.files))), mode: filterArguments.progress),
                each: each)
        }
    }

    /// Writes what `produce` decided (a replay, or the reduce of ledgers) through the
    /// format's writer: `produce` is told whether failures need their users and lines,
    /// and gets the sink for every counted failure when the writer wants them.
    func execute(
        jails: [JailReplay.Jail], notes: [String], filterArguments: FilterArguments,
        produce: (_ detailed: Bool, _ each: JailReplay.FailureSink?) throws -> JailReplay.Outcome
    ) throws {
        for note in notes { Diagnostics.note(note) }
        var settings = StandardOutput.settings(output)
        settings.activeAt = activeAt == "now" ? settings.now : activeAt.flatMap(CivilTime.parse)
        settings.allBans = allBans
        settings.isoTimes = timeFormat == "iso"
        settings.namePrefix = namePrefix
        settings.database = database
        settings.root = filterArguments.fileRoot
        let writer = format.writer(settings)
        try writer.begin(jails: jails.map(\.config.name), files: jails.flatMap(\.files))
        let outcome = try produce(writer.wantsFailures, writer.wantsFailures ? writer.add : nil)
        Progress.finish()
        let summary = outcome.summary
        Diagnostics.report(summary.inputFindings)
        guard summary.filesRead > 0 else { throw ExitStatus.NoInput() }
        Diagnostics.report(outcome.findings(addressesOnly: format.holdsAddressesOnly))
        try writer.finish(outcome)
        if format.isFirewall, let note = FirewallTime.chosen(settings, outcome.results).leftOutNote(outcome.results) {
            Diagnostics.note(note)
        }
        if !stats && Diagnostics.isTerminal {
            // A person at a terminal sees what the run found, even when the output is empty.
            Diagnostics.write(RunStatistics.summary(outcome))
        }
        if stats {
            Diagnostics.write(RunStatistics.text(outcome, jails: jails, seconds: settings.elapsed))
            // Journal entries carry their own time: the year rule is for log files' dates.
            if jails.contains(where: { $0.inputs.contains { !$0.isJournal } }) {
                Diagnostics.write("failscan: \(filterArguments.filterOptions.yearRule)\n")
            }
        }
        if !summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }
}
