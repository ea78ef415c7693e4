import Fail2banConfig
import Foundation
import LogSource

/// `failscan tune`'s engine: one scan of a jail's files with its filter and its success
/// regexes (``SuccessPatterns``), each file read once, then every setting of a grid
/// decided over the failures found (``TuneGrid``).
package struct Tuning: Sendable {
    /// What a tuning run gave.
    package struct Result: Sendable {
        /// Per setting, in the grid's order.
        package let outcomes: [TuneOutcome]
        /// The jail with its own settings.
        package let own: JailResult
        package let summary: ScanSummary
        /// Successful logins found, and the distinct addresses they came from.
        package let logins: Int
        package let legitimate: Int
    }

    /// The jail's replay (its own settings, for ``Result/own``).
    package let replay: JailReplay
    /// The success filter, read from the jail's files in the same scan.
    package let success: CompiledFilter?
    package let grid: TuneGrid

    /// - Parameters:
    ///   - jail: the jail, its filter and files.
    ///   - success: its success filter (``SuccessPatterns/compile(_:like:jail:options:)``),
    ///     nil when it has none.
    ///   - settings: the grid.
    ///   - replay: the replay of `jail` alone, with its options (ban rule, time range,
    ///     self addresses, DNS).
    package init(jail: JailReplay.Jail, success: CompiledFilter?, settings: [TuneSetting], replay: JailReplay) {
        self.replay = replay
        self.success = success
        grid = TuneGrid(settings: settings, base: JailPolicy(jail: jail.config, window: replay.window, selfAddresses: replay.selfAddresses))
    }

    /// What the user should know before the run: lockouts cannot be estimated without a
    /// success regex.
    package var findings: [Finding] {
        guard success == nil, let jail = replay.jails.first else { return [] }
        return [
            Finding(
                .note,
                "[\(jail.config.name)] no successregex for filter \(jail.filter.config.name): lockouts are not estimated (set successregex in the jail or the filter)"
            )
        ]
    }

    /// The jail to tune: its filter, its files (or `logs`, in this order), and its success
    /// filter (nil when `lockouts` is false, or when the jail has no success regex).
    /// - Throws: `FilterError` or `ConfigError` from the filter or the success regexes.
    package static func subject(
        _ config: JailConfig, logs: [String], options: FilterOptions, lockouts: Bool
    ) throws -> (jail: JailReplay.Jail, success: CompiledFilter?) {
        var jail = try JailReplay.Jail(config: config, options: options)
        if !logs.isEmpty {
            jail = JailReplay.Jail(
                config: config, filter: jail.filter, files: logs.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        }
        let regexes = lockouts ? SuccessPatterns.regexes(jail: config, filter: jail.filter.config) : []
        let success = regexes.isEmpty ? nil : try SuccessPatterns.compile(regexes, like: jail.filter, jail: config, options: options)
        return (jail, success)
    }

    /// Scans once, then decides every setting.
    /// - Parameters:
    ///   - progress: called with bytes read, from reader threads.
    ///   - each: called on the calling thread with every failure the jail counts (and the
    ///     file it came from), as ``JailReplay/run(progress:each:)`` calls it.
    ///   - detail: what of each setting's outcome is kept.
    ///   - emit: takes each outcome in the settings' order instead of ``Result/outcomes``
    ///     (which is empty then): a writer that streams them holds one batch at a time.
    package func run(
        progress: (@Sendable (ReadProgress) -> Void)? = nil, each: ((Failure, String?) -> Void)? = nil,
        detail: TuneGrid.Detail = .everything, emit: ((TuneOutcome) -> Void)? = nil
    ) -> Result {
        var ledger = FailureLedger()
        var intake = JailReplay.Intake(replay) { _, failure, file in
            ledger.add(failure)
            each?(failure, file)
        }
        let success = self.success
        let scanned = replay.scan(
            adding: { filters in
                // The logins: the success filter over the jail's files, users kept.
                guard let success else { return [] }
                var logins = success.scanFilter(files: filters[0].files)
                logins.gathersLogins = true
                return [logins]
            }, progress: progress
        ) { f, failure, path in
            // The success filter's matches are logins, gathered apart (none comes here unless a
            // success regex has `<F-MLFID>`, whose merged matches are not counted).
            if f == 0 { intake.take(0, failure, file: path) }
        }
        let summary = scanned.summary
        var book = summary.logins.count > 1 ? summary.logins[1] : LoginBook()
        if replay.since != nil || replay.until != nil { book = book.restricted(to: replay.since ?? .min, replay.until ?? .max) }
        let own = intake.finish(counters: [summary.filterCounters[0]], logFiles: [scanned.logFiles[0]], summary: summary)
        ledger.finish()
        let logins = book
        var outcomes: [TuneOutcome] = []
        // Nothing read, nothing to decide (the caller reports it).
        guard summary.filesRead > 0 else {
            return Result(outcomes: [], own: own.results[0], summary: summary, logins: book.count, legitimate: book.addresses)
        }
        grid.evaluate(ledger, loggedIn: { logins.contains($0) }, successes: { logins.successes(of: $0) }, detail: detail) { outcome in
            if let emit { emit(outcome) } else { outcomes.append(outcome) }
        }
        return Result(outcomes: outcomes, own: own.results[0], summary: summary, logins: book.count, legitimate: book.addresses)
    }
}
