import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import LogSource
import Matcher
import Output

extension OutputFormat: ExpressibleByArgument {}
extension BanWindow: ExpressibleByArgument {}

/// What `scan`, `jails` and `reduce` share after the jails are known: the replay's rules,
/// the output; and the one path that runs a replay and writes its result.
struct ReplayArguments: ParsableArguments {
    @OptionGroup var rules: ReplayRules

    @Option(
        name: .customLong("active-at"),
        help: ArgumentHelp("Keep only bans whose bantime has not run out at this time (firewall formats and list).", valueName: "time"))
    var activeAt: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Output format; fail2ban-db (a fail2ban sqlite database: bans start now unless --active-at keeps the logs' own times, so that fail2ban restores them) and sqlite (every failure and ban, for sqlite3 or DuckDB) need --output; html is a self-contained forensic report (summary, timeline, top addresses, networks, a table that sorts and filters) to open in a browser.",
            valueName: "format"))
    var format: OutputFormat = .list

    @Option(
        name: .long,
        help: ArgumentHelp("Write to this file (atomically: a temporary file, then rename) instead of standard output.", valueName: "file"))
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

    /// How existing databases are treated.
    var database: Fail2banDatabaseWriter.DatabaseOptions { .init(lockTimeout: lockTimeout, replace: replace) }

    func validate() throws {
        if let activeAt, ReplayRules.parseTime(activeAt) == nil {
            throw ValidationError("--active-at \(activeAt): not a time (Unix seconds or YYYY-MM-DD[THH:MM[:SS]])")
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
            return replay.run(progress: Progress.makeReporter(paths: Array(Set(replay.jails.flatMap(\.files)))), each: each)
        }
    }

    /// Writes what `produce` decided (a replay, or the reduce of ledgers): `produce` is
    /// told whether failures need their users and lines, and gets the sink for every
    /// counted failure (the sqlite and HTML outputs take them).
    func execute(
        jails: [JailReplay.Jail], notes: [String], filterArguments: FilterArguments,
        produce: (_ detailed: Bool, _ each: JailReplay.FailureSink?) throws -> JailReplay.Outcome
    ) throws {
        for note in notes { Diagnostics.note(note) }
        let start = ContinuousClock.now
        var report: SQLiteReport? = nil
        if format == .sqlite, let output {
            report = try SQLiteReport(path: output, jails: jails.map(\.config.name), database: database)
            var seen = Set<String>()
            report?.register(files: jails.flatMap(\.files).filter { seen.insert($0).inserted })
        }
        let names = jails.map(\.config.name)
        let html = format == .html ? HTMLReport(jails: names) : nil
        let sinks = report != nil || html != nil
        let outcome = try produce(sinks) { jail, failure, file in
            report?.add(jail: names[jail], failure: failure, file: file)
            html?.add(jail: jail, failure: failure)
        }
        Progress.finish()
        let summary = outcome.summary
        for warning in summary.warnings { Diagnostics.warning(warning.description) }
        filterArguments.reportUnterminated(summary)
        guard summary.filesRead > 0 else { throw ExitStatus.NoInput() }
        for result in outcome.results {
            let name = result.jail.name
            if result.counters.limitHits > 0 {
                Diagnostics.warning(
                    "[\(name)] \(result.counters.limitHits) line(s) were given up on because a regex hit PCRE2's match limits")
            }
            if result.counters.noDate > 0 {
                Diagnostics.warning(
                    "[\(name)] \(result.counters.noDate) matched line(s) had no date and no dated line above them; they were not counted")
            }
            if result.counters.invalidID > 0 {
                Diagnostics.warning(
                    "[\(name)] \(result.counters.invalidID) matched line(s) named an address that is not one (300.1.1.1, or ambiguous leading zeros as in 010.001.002.003); they were not counted"
                )
            }
            if result.hosts.unresolved > 0 {
                let example = result.hosts.names.sorted().first ?? ""
                Diagnostics.note(
                    "[\(name)] \(result.hosts.unresolved) failure(s) from \(result.hosts.names.count) host name(s) (e.g. \(example)) are reported, never banned: fail2ban would resolve them (usedns = \(result.jail.useDNS.rawValue)); --resolve-hosts does"
                )
            }
            let skipped = result.bannedNonAddresses
            if format.isFirewall || format == .list, !skipped.isEmpty {
                Diagnostics.warning(
                    "[\(name)] \(skipped.count) banned id(s) are not addresses (<F-ID> values) and are left out (e.g. \(skipped[0]))")
            }
        }
        let unbannable = JailWriter.unbannable(outcome.results)
        if format.isFirewall || format == .list, let example = unbannable.example {
            Diagnostics.warning(
                "\(unbannable.count) banned address(es) are unspecified, loopback, multicast or reserved and are left out (e.g. \(example))"
            )
        }
        let active = activeAt.flatMap(ReplayRules.parseTime)
        if let report {
            try report.finish(outcome.results)
        } else if let html {
            let elapsed = (ContinuousClock.now - start).components
            let input = HTMLReport.Input(
                files: summary.files.filter(\.opened).map { ($0.path, $0.bytes, $0.lines) },
                seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18,
                command: CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))
            try StandardOutput.deliver(html.render(outcome.results, input: input), to: output)
        } else if format == .fail2banDB, let output {
            try Fail2banDatabaseWriter.write(
                outcome.results, to: output, timeOfBan: active == nil ? Int(Date().timeIntervalSince1970) : nil, activeAt: active,
                database: database)
        } else {
            try StandardOutput.deliver(JailWriter.render(outcome.results, format: format, activeAt: active), to: output)
        }
        if stats {
            let elapsed = (ContinuousClock.now - start).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            let mb = Double(summary.bytes) / 1e6
            Diagnostics.write(
                String(
                    format: "failscan: %d file(s), %.1f MB in %.3f s (%.1f MB/s)\n", summary.filesRead, mb, seconds,
                    seconds > 0 ? mb / seconds : 0))
            for (index, result) in outcome.results.enumerated() {
                let matcher = jails[index].filter.matcher
                let prefilter =
                    matcher.prefilter.map {
                        $0.literals.map { String(decoding: $0, as: UTF8.self).debugDescription }.joined(separator: " ")
                    }
                    ?? "off (\(matcher.prefilterNote ?? ""))"
                Diagnostics.write(
                    "failscan: [\(result.jail.name)] \(result.files) file(s), \(result.counters.candidates) candidate line(s), \(result.failures) failure(s), \(result.records.count) address(es), \(result.records.filter(\.banned).count) banned, \(result.hosts.unresolved + result.hosts.dropped) with a host name (\(result.hosts.dropped) dropped as fail2ban drops them); prefilter: \(prefilter)\n"
                )
            }
            Diagnostics.write("failscan: \(filterArguments.yearRule)\n")
        }
        if !summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }
}
