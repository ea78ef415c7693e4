import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import LogSource
import Output

/// `failscan tune`: what-if replays of one jail over a grid of settings.
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

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv, html
    }

    @OptionGroup var filterArguments: FilterArguments

    @Option(name: .long, help: ArgumentHelp("The jail to tune.", valueName: "name"))
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
    var format: Format = .table

    @Option(
        name: .long,
        help: ArgumentHelp("Write to this file (atomically: a temporary file, then rename) instead of standard output.", valueName: "file"))
    var output: String?

    @Argument(help: ArgumentHelp("Logs to read instead of the jail's logpath, in this order.", valueName: "logs"))
    var givenLogs: [String] = []

    /// The logs given, with those taken past the parser included (``LongArgumentList``).
    var logs: [String] { LongArgumentList.appended(to: givenLogs) }

    /// The values of a comma-separated list, each parsed by `parse`.
    static func list<T>(_ text: String, _ name: String, _ parse: (String) -> T?) throws -> [T] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ValidationError("--\(name) \(text): no value") }
        var values: [T] = []
        for item in items {
            guard let value = parse(item) else { throw ValidationError("--\(name) \(item): not a valid value") }
            values.append(value)
        }
        return values
    }

    static func retries(_ text: String) -> Int? { Int(text).flatMap { (1...JailConfig.maxRetryLimit).contains($0) ? $0 : nil } }
    static func findTime(_ text: String) -> Int? { Duration.seconds(text).flatMap { $0 > 0 ? $0 : nil } }
    static func banTime(_ text: String) -> Int? { Duration.seconds(text).flatMap { $0 > 0 || $0 == -1 ? $0 : nil } }
    static func onOff(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: return nil
        }
    }

    /// The most settings a grid may have (the table, CSV and HTML keep each one's counts
    /// and a few lockouts; JSON streams each one's lists, a batch at a time).
    static let gridLimit = 10_000

    func validate() throws {
        var size = 1
        if let maxretry { size *= try Self.list(maxretry, "maxretry", Self.retries).count }
        if let findtime { size *= try Self.list(findtime, "findtime", Self.findTime).count }
        if let bantime { size *= try Self.list(bantime, "bantime", Self.banTime).count }
        if let increment { size *= try Self.list(increment, "increment", Self.onOff).count }
        if size > Self.gridLimit {
            throw ValidationError("a grid of \(size) settings; at most \(Self.gridLimit) (fewer values per option)")
        }
    }

    func run() throws {
        try ExitStatus.run {
            let config = try JailsCommand.select([jail], configDirectory: filterArguments.config)[0]
            let options = filterArguments.filterOptions
            var replayJail = try JailReplay.Jail(config: config, options: options)
            if !logs.isEmpty {
                replayJail = JailReplay.Jail(
                    config: config, filter: replayJail.filter, files: logs.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
            }
            let successRegex = noLockouts ? [] : SuccessPatterns.regexes(jail: config, filter: replayJail.filter.config)
            let success =
                successRegex.isEmpty
                ? nil : try SuccessPatterns.compile(successRegex, like: replayJail.filter, jail: config, options: options)
            let settings = TuneSetting.grid(
                maxRetry: try maxretry.map { try Self.list($0, "maxretry", Self.retries) } ?? [config.maxRetry],
                findTime: try findtime.map { try Self.list($0, "findtime", Self.findTime) } ?? [config.findTime],
                banTime: try bantime.map { try Self.list($0, "bantime", Self.banTime) } ?? [config.banTime],
                increment: try increment.map { try Self.list($0, "increment", Self.onOff) } ?? [config.banTimeIncrement != nil])
            // The HTML report lists users tried: failures keep their fields.
            let replay = rules.replay([replayJail], options: filterArguments.scanOptions(detailed: format == .html))
            for note in replay.notes { Diagnostics.note(note) }
            if success == nil && !noLockouts {
                Diagnostics.note(
                    "[\(config.name)] no successregex for filter \(replayJail.filter.config.name): lockouts are not estimated (set successregex in the jail or the filter)"
                )
            }
            let tuning = Tuning(jail: replayJail, success: success, settings: settings, replay: replay)
            let started = ContinuousClock.now
            let report = format == .html ? HTMLReport(jails: [config.name]) : nil
            // JSON lists every setting's banned addresses: streamed a batch of settings at a
            // time. The other formats show counts and a few lockouts: only those are kept.
            let detail: TuneGrid.Detail
            switch format {
            case .json: detail = .everything
            case .table: detail = .summary(lockouts: TuneWriter.tableLockouts)
            case .csv: detail = .summary(lockouts: 0)
            case .html: detail = .summary(lockouts: TuneWriter.lockoutRows)
            }
            let stream = format == .json ? try StandardOutput.Stream(to: output) : nil
            var failures = 0
            let result = tuning.run(
                progress: Progress.makeReporter(paths: replayJail.files),
                each: report.map { report in { failure, _ in report.add(jail: 0, failure: failure) } },
                detail: detail,
                emit: stream.map { stream in
                    { outcome in
                        failures = outcome.failures
                        stream.append { TuneWriter.json(outcome, to: &$0) }
                    }
                }
            )
            Progress.finish()
            for warning in result.summary.warnings { Diagnostics.warning(warning.description) }
            filterArguments.reportUnterminated(result.summary)
            guard result.summary.filesRead > 0 else { throw ExitStatus.NoInput() }
            let context = TuneWriter.Context(
                jail: config.name, files: replayJail.files, logins: result.logins, legitimate: result.legitimate,
                hasSuccessRegex: success != nil, lockoutsSkipped: noLockouts)
            let text: String
            switch format {
            case .json:
                // Every setting's line went out as it was decided; the scan's line ends it.
                stream?.append { TuneWriter.jsonEnd(failures: failures, context: context, to: &$0) }
                try stream?.finish()
                if !result.summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
                return
            case .table: text = TuneWriter.table(result.outcomes, context: context)
            case .csv: text = TuneWriter.csv(result.outcomes)
            case .html:
                // The forensic report of the jail at its own settings, the grid as a section.
                let elapsed = (ContinuousClock.now - started).components
                let input = HTMLReport.Input(
                    files: result.summary.files.filter(\.opened).map { ($0.path, $0.bytes, $0.lines) },
                    seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18,
                    command: CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))
                text = report!.render([result.own], input: input, sections: [TuneWriter.section(result.outcomes, context: context)])
            }
            try StandardOutput.deliver(text, to: output)
            if !result.summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
        }
    }
}
