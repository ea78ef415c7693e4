import Fail2banConfig

/// `failscan tune`'s engine: one scan of a jail's files with its filter and its success
/// regexes (``SuccessPatterns``), each file read once, then every setting of a grid
/// decided over the failures found (``TuneGrid``).
public struct Tuning: Sendable {
    /// What a tuning run gave.
    public struct Result: Sendable {
        /// Per setting, in the grid's order.
        public let outcomes: [TuneOutcome]
        /// The jail with its own settings.
        public let own: JailResult
        public let summary: ScanSummary
        /// Successful logins found, and the distinct addresses they came from.
        public let logins: Int
        public let legitimate: Int
    }

    /// The jail's replay (its own settings, for ``Result/own``).
    public let replay: JailReplay
    /// The success filter, read from the jail's files in the same scan.
    public let success: CompiledFilter?
    public let grid: TuneGrid

    /// - Parameters:
    ///   - jail: the jail, its filter and files.
    ///   - success: its success filter (``SuccessPatterns/compile(_:like:jail:options:)``),
    ///     nil when it has none.
    ///   - settings: the grid.
    ///   - replay: the replay of `jail` alone, with its options (ban rule, time range,
    ///     self addresses, DNS).
    public init(jail: JailReplay.Jail, success: CompiledFilter?, settings: [TuneSetting], replay: JailReplay) {
        self.replay = replay
        self.success = success
        grid = TuneGrid(settings: settings, base: JailPolicy(jail: jail.config, window: replay.window, selfAddresses: replay.selfAddresses))
    }

    /// Scans once, then decides every setting.
    /// - Parameters:
    ///   - progress: called with bytes read, from reader threads.
    ///   - each: called on the calling thread with every failure the jail counts (and the
    ///     file it came from), as ``JailReplay/run(progress:each:)`` calls it.
    public func run(progress: (@Sendable (Int) -> Void)? = nil, each: ((Failure, String?) -> Void)? = nil) -> Result {
        var (paths, filters, indexOf) = replay.scanPlan()
        if let success {
            // The logins: the success filter over the jail's files, users kept.
            var logins = success.scanFilter(files: filters[0].files)
            logins.capturesUser = true
            filters.append(logins)
        }
        var ledger = FailureLedger()
        var book = LoginBook()
        let lower = replay.since ?? Int.min, upper = replay.until ?? Int.max
        var intake = JailReplay.Intake(replay) { _, failure, file in
            ledger.add(failure)
            each?(failure, file)
        }
        let summary = Scan(filters: filters, options: replay.options).run(paths, progress: progress) { f, failure in
            if f == 0 {
                intake.take(0, failure, file: paths[failure.file])
            } else if failure.time >= lower && failure.time <= upper {
                book.add(failure)
            }
        }
        let own = intake.finish(
            counters: [summary.filterCounters[0]], logFiles: [replay.jails[0].files.map { summary.files[indexOf[$0]!] }],
            summary: summary)
        ledger.finish()
        let logins = book
        return Result(
            outcomes: grid.evaluate(ledger, loggedIn: { logins.entries[$0] != nil }, successes: { logins.successes(of: $0) }),
            own: own.results[0], summary: summary,
            logins: book.count, legitimate: book.entries.count)
    }
}

/// Successful logins as the scan finds them, kept compactly: per address its login times
/// and, run-length, the users (interned).
struct LoginBook: Sendable {
    struct Entry: Sendable {
        /// A run of logins by one user: from this index into `times` to the next run's.
        struct Run: Sendable {
            var from: Int
            var user: Int32
        }
        var times: [Int] = []
        var users: [Run] = []
    }

    var entries: [FailureID: Entry] = [:]
    var userNumbers: [String: Int32] = [:]
    var userNames: [String] = []
    private(set) var count = 0

    mutating func add(_ failure: Failure) {
        let name = failure.fields?["user"] ?? ""
        let user: Int32
        if let known = userNumbers[name] {
            user = known
        } else {
            user = Int32(userNames.count)
            userNumbers[name] = user
            userNames.append(name)
        }
        count += 1
        entries[failure.id, default: Entry()].add(time: failure.time, user: user)
    }

    /// The logins of `id` in time order (equal times: users in name order), nil when none.
    func successes(of id: FailureID) -> [TuneGrid.Success]? {
        guard let entry = entries[id] else { return nil }
        var list: [TuneGrid.Success] = []
        list.reserveCapacity(entry.times.count)
        for (k, run) in entry.users.enumerated() {
            let end = k + 1 < entry.users.count ? entry.users[k + 1].from : entry.times.count
            for i in run.from..<end { list.append(.init(time: entry.times[i], user: userNames[Int(run.user)])) }
        }
        list.sort { ($0.time, $0.user) < ($1.time, $1.user) }
        return list
    }
}

extension LoginBook.Entry {
    mutating func add(time: Int, user: Int32) {
        if users.last?.user != user { users.append(Run(from: times.count, user: user)) }
        times.append(time)
    }
}
