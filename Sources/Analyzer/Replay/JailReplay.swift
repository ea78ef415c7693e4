import Fail2banConfig
import LogSource

/// Replays jails over their logs: every jail's filter runs over its files in one scan
/// (each file read once however many jails watch it), its failures are gathered in a
/// compact ledger, and its FailManager decides the bans. `failscan scan` is the replay
/// of one jail, `failscan jails` of a configuration's: one engine for both.
package struct JailReplay: Sendable {
    /// One jail ready to run: configuration, compiled filter, inputs in reading order.
    package struct Jail: Sendable {
        package let config: JailConfig
        package let filter: CompiledFilter
        /// Its log files, or its journal streams, in reading order.
        package let inputs: [LogInput]
        /// Where a jail of the systemd backend looked for journal files (for its note when
        /// there is none).
        package private(set) var journalSource: String? = nil
        /// Whether its files were given on the command line (``LogAssignment``) rather than
        /// found from its logpath.
        package private(set) var filesGiven = false
        /// For a jail reading log files that found none: whether its system keeps a journal
        /// (the note then says how to read it).
        package private(set) var journalPresent = false

        /// The names of its inputs (a log file's path; a journal stream's files).
        package var files: [String] { inputs.map(\.name) }

        package init(config: JailConfig, filter: CompiledFilter, files: [String]) {
            self.init(config: config, filter: filter, inputs: files.map(LogInput.file))
        }

        package init(config: JailConfig, filter: CompiledFilter, inputs: [LogInput]) {
            self.config = config
            self.filter = filter
            self.inputs = inputs
        }

        /// Compiles the jail's filter (with its `logtimezone`) and finds its inputs: its
        /// `logpath` globs (with rotated siblings when `rotated`), or, with the systemd
        /// backend (`backend = systemd[...]`), the journal files the backend's options name,
        /// in streams (``JournalFiles/streams(_:matches:)``) read with the filter's
        /// `journalmatch`; the filter then runs with `logtype = journal` as fail2ban sets it
        /// for that backend.
        /// - Throws: `FilterError` naming the jail's filter file or its backend options.
        package init(config: JailConfig, options: FilterOptions, rotated: Bool = true) throws(FilterError) {
            let (filter, backend, matches) = try Self.prepare(config, options)
            guard let backend else {
                self.init(
                    config: config, filter: filter,
                    files: RotatedSet.files(matching: config.logPatterns, rotated: rotated, root: options.root))
                if inputs.isEmpty { journalPresent = !JournalBackend().journalFiles(root: options.root).isEmpty }
                return
            }
            self.init(
                config: config, filter: filter,
                inputs: JournalFiles.streams(backend.journalFiles(root: options.root), matches: matches).map(LogInput.journal))
            journalSource = backend.description
        }

        /// The jail over `files` given on the command line (``LogAssignment``): log files in
        /// time order, or, for a jail of the systemd backend, journal files in streams.
        /// - Throws: `FilterError` naming the jail's filter file or its backend options.
        package init(config: JailConfig, options: FilterOptions, given files: [String]) throws(FilterError) {
            let (filter, backend, matches) = try Self.prepare(config, options)
            let inputs =
                backend != nil
                ? JournalFiles.streams(files, matches: matches).map(LogInput.journal) : RotatedSet.timeOrder(files).map(LogInput.file)
            self.init(config: config, filter: filter, inputs: inputs)
            filesGiven = true
        }

        /// The jail over those of `paths` its `logpath` names, in the order it would read
        /// them, found from the names alone (a shard's map, or a reduce without the files).
        /// A jail of the systemd backend takes the journal files its options name
        /// (``JournalBackend/claims(_:)``): a map's files cut into streams, or, with
        /// `streams`, a reduce's streams by the names the map gave them (in name order:
        /// the bans do not depend on the order of streams, each address's failures being
        /// decided in time order).
        /// - Parameters:
        ///   - pathOf: the path a name stands for (a reduce names a path several shards read
        ///     `SHARD:PATH`; the logpath matches the path).
        ///   - byName: names of `paths` that no jail's logpath names by their path: the jail
        ///     takes those whose file name its logpath carries (``LogAssignment``), as
        ///     `failscan jails FILE...` gives them (`/logs/web1/auth.log.2.gz` to the jails
        ///     reading `/var/log/auth.log`).
        ///   - prepared: its filter compiled for its backend (``prepare(_:_:)``).
        init(
            config: JailConfig, prepared: Prepared, among paths: [String], streams: Bool, pathOf: (String) -> String, byName: Set<String>
        ) {
            let (filter, backend, matches) = prepared
            let named = paths.filter { byName.contains($0) && LogAssignment.reads(config, pathOf($0)) }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard let backend else {
                let found = RotatedSet.order(paths, patterns: config.logPatterns, pathOf: pathOf)
                self.init(config: config, filter: filter, files: named.isEmpty ? found : RotatedSet.timeOrder(found + named))
                return
            }
            let inputs: [LogInput]
            if streams {
                inputs = paths.filter { name in
                    named.contains(name) || pathOf(name).split(separator: " ").allSatisfy { backend.claims(String($0)) }
                }.sorted().map { name in
                    let files = pathOf(name).split(separator: " ").map(String.init)
                    return .journal(JournalSelection(files: files, matches: matches, names: [name]))
                }
            } else {
                inputs = JournalFiles.streams(paths.filter { backend.claims($0) || named.contains($0) }, matches: matches).map(
                    LogInput.journal)
            }
            self.init(config: config, filter: filter, inputs: inputs)
            journalSource = backend.description
        }

        /// Each jail of `configs` over those of `paths` it reads: the files its logpath
        /// names by their path, and the files no logpath names so to the jails whose logpath
        /// carries their file name (``init(config:prepared:among:streams:pathOf:byName:)``).
        /// A map and its reduce find the same jails' files this way, from the names alone.
        /// - Throws: `FilterError` naming a jail's filter file or its backend options.
        package static func among(
            _ paths: [String], configs: [JailConfig], options: FilterOptions, streams: Bool = false,
            pathOf: (String) -> String = { $0 }
        ) throws(FilterError) -> [Jail] {
            // Each filter compiled once, for both passes.
            var prepared: [Prepared] = []
            for config in configs { prepared.append(try prepare(config, options)) }
            func jails(byName: Set<String>) -> [Jail] {
                zip(configs, prepared).map {
                    Jail(config: $0, prepared: $1, among: paths, streams: streams, pathOf: pathOf, byName: byName)
                }
            }
            let byPath = jails(byName: [])
            let read = Set(byPath.flatMap(\.readPaths))
            let unnamed = Set(paths.filter { !read.contains($0) })
            return unnamed.isEmpty ? byPath : jails(byName: unnamed)
        }

        /// A jail's filter compiled for its backend, the backend's journal options (nil: it
        /// reads log files) and the filter's `journalmatch` groups.
        typealias Prepared = (filter: CompiledFilter, backend: JournalBackend?, matches: [[String]])

        /// The jail's ``Prepared``.
        /// - Throws: `FilterError` naming the jail's filter file or its backend options.
        static func prepare(_ config: JailConfig, _ options: FilterOptions) throws(FilterError) -> Prepared {
            let backend: JournalBackend?
            do {
                backend = try journalBackend(config)
            } catch {
                throw FilterError(file: config.name, "[\(config.name)] backend \(config.backend): \(error.reason)")
            }
            let filter = try compile(config, options, journal: backend != nil)
            return (filter, backend, JournalSelection.matches(filter.config.journalMatch))
        }

        /// The journal options of a jail whose backend is systemd (`systemd`, `systemd[...]`), else nil.
        /// - Throws: `ScanError` for options failscan does not read.
        static func journalBackend(_ config: JailConfig) throws(ScanError) -> JournalBackend? {
            guard config.backend.lowercased().hasPrefix("systemd") else { return nil }
            let options: [String: String]
            do {
                options = try FilterLoader.splitArguments(config.backend).1
            } catch {
                throw ScanError(.open, path: config.backend, error.reason)
            }
            return try JournalBackend(options: options, naming: config.backend)
        }

        /// The files it reads, each by the name it was given (a journal stream's files one by one).
        package var readPaths: [String] {
            inputs.flatMap { input -> [String] in
                if case .journal(let selection) = input { return selection.names }
                return [input.name]
            }
        }

        static func compile(_ config: JailConfig, _ options: FilterOptions, journal: Bool = false) throws(FilterError) -> CompiledFilter {
            do {
                return try CompiledFilter(
                    spec: config.filter, options: options, logTimeZone: config.logTimeZone, useDNS: config.useDNS,
                    arguments: journal ? ["logtype": "journal"] : [:])
            } catch {
                throw FilterError(file: error.file, "[\(config.name)] \(error.reason)")
            }
        }
    }

    /// What a replay gave.
    package struct Outcome: Sendable {
        /// Per jail, in the order given.
        package let results: [JailResult]
        /// Files, bytes and per-file problems of the scan.
        package let summary: ScanSummary

        package init(results: [JailResult], summary: ScanSummary) {
            self.results = results
            self.summary = summary
        }
    }

    /// Takes every failure a jail counts, in the jail's input order: the jail's index, the
    /// failure, and the file it came from (nil for a recidive jail fed by the replay's bans).
    package typealias FailureSink = (_ jail: Int, _ failure: Failure, _ file: String?) -> Void

    package let jails: [Jail]
    package var options: ScanOptions
    /// How failures become bans.
    package var window: BanWindow
    /// Only failures at or after this time count.
    package var since: Int?
    /// Only failures at or before this time count.
    package var until: Int?
    /// The addresses of the host whose logs these are (never banned by a jail with
    /// `ignoreself`, like loopback).
    package var selfAddresses: [CIDR] = []
    /// Resolve host names `<HOST>` matched, as fail2ban does with `usedns = yes|warn`
    /// (else they are reported and never banned).
    package var resolveHosts = false
    /// Feed jails with the `recidive` filter with the other jails' bans (each ban a
    /// failure of its address at the ban's start, as fail2ban's own log would say
    /// `[jail] Ban address`) instead of reading fail2ban.log.
    package var recidiveFromReplay = false

    /// Whether `jail` takes the other jails' bans instead of its files.
    func feedsOnBans(_ jail: Jail) -> Bool { recidiveFromReplay && jail.filter.config.name == "recidive" }

    package init(jails: [Jail], options: ScanOptions, window: BanWindow = .failmanager, since: Int? = nil, until: Int? = nil) {
        self.jails = jails
        self.options = options
        self.window = window
        self.since = since
        self.until = until
    }

    /// Things the user should know before the run: filter notes, jails without files,
    /// `ignoreip` names that are not resolved.
    package var notes: [String] {
        var notes: [String] = []
        for jail in jails {
            for note in jail.filter.notes { notes.append("[\(jail.config.name)] \(note)") }
            if jail.inputs.isEmpty, jail.filesGiven {
                notes.append(
                    "[\(jail.config.name)] none of the files given carries the name of its logpath (\(jail.config.logPatterns.joined(separator: " "))) nor, for a systemd jail, is a journal file; it reads nothing"
                )
            } else if jail.inputs.isEmpty, let source = jail.journalSource {
                notes.append("[\(jail.config.name)] no journal file in \(source)")
            } else if jail.inputs.isEmpty, !jail.config.logPatterns.isEmpty, !feedsOnBans(jail) {
                var note = "[\(jail.config.name)] no log file matches \(jail.config.logPatterns.joined(separator: " "))"
                if jail.journalPresent {
                    note += "; this system keeps a journal: read it with --backend systemd"
                }
                notes.append(note)
            }
            if let increment = jail.config.banTimeIncrement {
                if increment.overallJails {
                    notes.append("[\(jail.config.name)] bantime.overalljails: failscan counts an address's earlier bans in this jail only")
                }
                if increment.rndTime != nil {
                    notes.append(
                        "[\(jail.config.name)] bantime.rndtime: the random part of each ban is derived from the address and its ban count (the same on every run)"
                    )
                }
            }
            for name in JailPolicy.unresolvedNames(jail.config) {
                notes.append(
                    "[\(jail.config.name)] ignoreip \(name) is not an address or network; failscan does not resolve host names, it ignores nothing"
                )
            }
        }
        return notes
    }

    /// Scans every jail's files once and decides the bans.
    /// - Parameters:
    ///   - progress: called with bytes read, from reader threads.
    ///   - each: called on the calling thread with every failure a jail counts (jail index,
    ///     failure, the file it came from; nil for a recidive jail fed by the replay).
    package func run(
        progress: (@Sendable (ReadProgress) -> Void)? = nil, each: FailureSink? = nil
    ) -> Outcome {
        var intake = Intake(self, each: each)
        let scanned = scan(progress: progress) { f, failure, path in intake.take(f, failure, file: path) }
        return intake.finish(counters: scanned.summary.filterCounters, logFiles: scanned.logFiles, summary: scanned.summary)
    }

    /// What ``scan(adding:progress:consume:)`` read.
    package struct Scanned: Sendable {
        /// Files, bytes, counters (per filter: the jails', then those added), warnings.
        package let summary: ScanSummary
        /// Per jail, how each of its files was read, in reading order.
        package let logFiles: [[FileSummary]]
    }

    /// The one scan of the jails' logs, which `jails`, `map` and `tune` run: every file read
    /// once however many jails read it, each jail's filter over its own files (in their
    /// order, so that multi-line state carries across a rotated set), and the filters
    /// `extra` makes from the jails' (tune's logins) after them.
    /// - Parameter consume: takes (filter index, failure, the file's path) on the calling
    ///   thread, in each filter's input order.
    package func scan(
        adding extra: ([ScanFilter]) -> [ScanFilter] = { _ in [] }, progress: (@Sendable (ReadProgress) -> Void)? = nil,
        consume: (Int, Failure, String) -> Void
    ) -> Scanned {
        let (inputs, filters, indexOf) = scanPlan()
        // Named once, not once a failure (an input is an enum with payloads: copying it
        // for its name cost a tenth of the in-order work per failure).
        let names = inputs.map(\.name)
        let summary = Scan(filters: filters + extra(filters), options: options).run(inputs, progress: progress) { f, failure in
            consume(f, failure, names[failure.file])
        }
        return Scanned(summary: summary, logFiles: jails.map { jail in jail.inputs.map { summary.files[indexOf[$0]!] } })
    }

    /// The inputs of the scan (each once, in the jails' order) and each jail's filter over
    /// its inputs; `indexOf` maps an input to its place.
    package func scanPlan() -> (inputs: [LogInput], filters: [ScanFilter], indexOf: [LogInput: Int]) {
        var inputs: [LogInput] = []
        var indexOf: [LogInput: Int] = [:]
        var filters: [ScanFilter] = []
        for jail in jails {
            var indices = Set<Int>()
            for input in feedsOnBans(jail) ? [] : jail.inputs {
                if let index = indexOf[input] {
                    indices.insert(index)
                } else {
                    indexOf[input] = inputs.count
                    indices.insert(inputs.count)
                    inputs.append(input)
                }
            }
            filters.append(jail.filter.scanFilter(files: indices))
        }
        return (inputs, filters, indexOf)
    }

    /// The second half of a replay: the failures each jail's filter found go in (in each
    /// jail's input order), the jails' decisions come out. ``JailReplay/run(progress:each:)``
    /// feeds it from a scan; `failscan reduce` from ledgers written by `failscan map`.
    package struct Intake {
        let replay: JailReplay
        let lower: Int, upper: Int
        var ledgers: [FailureLedger]
        var hosts: [HostFailures]
        let modes: [UseDNS]
        let resolver: HostResolver?
        let policies: [JailPolicy]
        let each: FailureSink?

        package init(_ replay: JailReplay, each: FailureSink? = nil) {
            self.replay = replay
            lower = replay.since ?? Int.min
            upper = replay.until ?? Int.max
            ledgers = Array(repeating: FailureLedger(), count: replay.jails.count)
            hosts = Array(repeating: HostFailures(), count: replay.jails.count)
            modes = replay.jails.map(\.config.useDNS)
            resolver = replay.resolveHosts ? HostResolver() : nil
            policies = replay.jails.map { JailPolicy(jail: $0.config, window: replay.window, selfAddresses: replay.selfAddresses) }
            self.each = each
        }

        /// Reports a counted failure to `each`; an ignored address (ignoreip, ignoreself)
        /// is no failure to report, nor to count (fail2ban's "Total failed" leaves it out).
        func report(_ f: Int, _ failure: Failure, from file: String?) {
            if let each, !policies[f].ignores(failure.id) { each(f, failure, file) }
        }

        /// One failure jail `f`'s filter found in `file` (in the jail's input order).
        package mutating func take(_ f: Int, _ failure: Failure, file: String?) {
            guard failure.time >= lower && failure.time <= upper else { return }
            // fail2ban's DNSUtils.textToIp: a host name is looked up (usedns yes, warn)
            // and each address fails; a name that does not resolve, or any name under
            // usedns no or raw, drops the failure.
            if case .host(let name) = failure.id {
                guard modes[f].resolves else {
                    hosts[f].dropped += 1
                    return
                }
                guard let resolver else {
                    hosts[f].unresolved += 1
                    hosts[f].names.insert(name)
                    ledgers[f].add(failure)
                    report(f, failure, from: file)
                    return
                }
                let addresses = resolver.addresses(of: name)
                if addresses.isEmpty { hosts[f].dropped += 1 }
                for address in addresses {
                    var resolved = failure
                    resolved.id = .address(address)
                    ledgers[f].add(resolved)
                    report(f, resolved, from: file)
                }
                return
            }
            ledgers[f].add(failure)
            report(f, failure, from: file)
        }

        /// Decides every jail (those fed by the others' bans last).
        /// - Parameters:
        ///   - counters: per jail, its filter's counters.
        ///   - logFiles: per jail, how each of its files was read, in reading order.
        package mutating func finish(counters: [FilterCounters], logFiles: [[FileSummary]], summary: ScanSummary) -> Outcome {
            let jails = replay.jails
            var results: [JailResult?] = Array(repeating: nil, count: jails.count)
            let order = jails.indices.filter { !replay.feedsOnBans(jails[$0]) } + jails.indices.filter { replay.feedsOnBans(jails[$0]) }
            for index in order {
                let jail = jails[index]
                let feeds = replay.feedsOnBans(jail)
                if feeds {
                    // The bans of the jails that read their files, all decided by now.
                    for (other, result) in zip(jails, results) where !replay.feedsOnBans(other) {
                        for record in result!.records {
                            guard let address = record.id.address else { continue }
                            for start in record.bans where start >= lower && start <= upper {
                                let failure = Failure(id: .address(address), time: start, file: 0, line: 0, failregex: 0)
                                ledgers[index].add(failure)
                                report(index, failure, from: nil)
                            }
                        }
                    }
                }
                ledgers[index].finish()
                let records = FailManager(policy: policies[index]).decide(ledgers[index])
                // Ignored addresses' failures are not counted (fail2ban's Total failed leaves
                // them out): counted per address, not per failure.
                let ignored = ledgers[index].entries.reduce(0) { $0 + (policies[index].ignores($1.key) ? $1.value.count : 0) }
                results[index] = JailResult(
                    jail: jail.config, records: records, files: feeds ? 0 : jail.files.count,
                    failures: ledgers[index].count - ignored, counters: counters[index], hosts: hosts[index],
                    logFiles: feeds ? [] : logFiles[index])
                ledgers[index] = FailureLedger() // free as we go
            }
            return Outcome(results: results.map { $0! }, summary: summary)
        }
    }
}
