import Analyzer
import Fail2banConfig
import LogSource
import Matcher

/// The ledgers of one distributed run, checked to belong together, and their reduce.
package struct LedgerSet: Sendable {
    package let ledgers: [LedgerReader]
    /// The first ledger's header (the others agree on what matters).
    package let header: LedgerHeader
    /// Every shard's files by name: its path, or, for a path several shards read (each
    /// host's own `/var/log/auth.log`), `SHARD:PATH` (``name(shard:path:)``).
    package let files: [String: LedgerFile]

    /// Checks that `ledgers` are one set: written by `failscan` (this version), under one
    /// configuration, with one partition count, every partition of every shard once. The
    /// same path in several shards is several files (a fleet's hosts share their paths).
    /// - Throws: `ConfigError` naming the ledger and what does not fit.
    package init(_ ledgers: [LedgerReader], failscan: String) throws(ConfigError) {
        precondition(!ledgers.isEmpty)
        let read = ledgers, first = ledgers[0]
        let header = first.header
        // One set of ledgers: the same failscan, configuration, partitions and jails.
        for ledger in read {
            let other = ledger.header
            if other.failscan != failscan {
                throw ConfigError(
                    file: ledger.path, "written by failscan \(other.failscan); this is failscan \(failscan): map again")
            }
            if other.configHash != header.configHash || other.jails != header.jails || other.mapOptions != header.mapOptions {
                throw ConfigError(file: ledger.path, "mapped under another configuration than \(first.path)")
            }
            if other.partitions != header.partitions {
                throw ConfigError(file: ledger.path, "\(other.partitions) partitions, \(first.path) \(header.partitions)")
            }
        }
        var seen: [String: String] = [:]
        for ledger in read {
            let key = "\(ledger.header.shard) \(ledger.header.partition)"
            if let earlier = seen[key] {
                throw ConfigError(
                    file: ledger.path, "shard \(ledger.header.shard) partition \(ledger.header.partition) again (also \(earlier))")
            }
            seen[key] = ledger.path
        }
        // Every shard with all its partitions: a missing one would lose addresses.
        let shards = Set(read.map(\.header.shard))
        for shard in shards.sorted() {
            let have = Set(read.filter { $0.header.shard == shard }.map(\.header.partition))
            if let missing = (0..<header.partitions).first(where: { !have.contains($0) }) {
                throw ConfigError(
                    file: shard,
                    "partition \(missing) of \(header.partitions) of shard \(shard) is missing: every partition of every shard is needed")
            }
        }
        // A path read by several shards is a file of each: named with its shard.
        var shardsOf: [String: Set<String>] = [:]
        for ledger in read where ledger.header.partition == 0 {
            for file in ledger.header.files { shardsOf[file.path, default: []].insert(ledger.header.shard) }
        }
        let shared = Set(shardsOf.filter { $0.value.count > 1 }.keys)
        var shardOf: [String: String] = [:]
        var files: [String: LedgerFile] = [:]
        for ledger in read where ledger.header.partition == 0 {
            for file in ledger.header.files {
                let name = shared.contains(file.path) ? Self.name(shard: ledger.header.shard, path: file.path) : file.path
                shardOf[name] = ledger.header.shard
                files[name] = file
            }
        }
        self.ledgers = ledgers
        self.header = header
        self.files = files
        self.shardOf = shardOf
        self.shared = shared
    }

    /// The shard that read each file, by name.
    let shardOf: [String: String]
    /// The paths several shards read.
    let shared: Set<String>

    /// The name of a file several shards read: `SHARD:PATH` (a shard name has no `/`, a
    /// path starts with one: ``RotatedSet/order(_:patterns:rotated:)`` matches the path).
    static func name(shard: String, path: String) -> String { shard + ":" + path }

    /// A ledger's file as this set names it.
    func name(_ path: String, shard: String) -> String { shared.contains(path) ? Self.name(shard: shard, path: path) : path }

    /// Each partition's failures fed to an intake in the order one scan would have read
    /// them, the partitions' decisions put together. A partition's ledgers are read when it
    /// is decided (the set itself may hold headers only), so a reduce holds the failures
    /// of as many partitions as it decides at once, not of all.
    /// - Throws: `LedgerReader.ReadError` when a ledger cannot be read again.
    package func reduce(
        _ replay: JailReplay, each: JailReplay.FailureSink?
    ) throws(LedgerReader.ReadError) -> JailReplay.Outcome {
        let jails = replay.jails
        // A file's place in each jail's reading order, and the summary of the scan.
        let rank: [[String: Int]] = jails.map { jail in
            Dictionary(uniqueKeysWithValues: jail.files.enumerated().map { ($0.element, $0.offset) })
        }
        var summary = ScanSummary()
        // The files one scan would read, in its order (a recidive fed by bans reads none).
        summary.files = replay.scanPlan().inputs.compactMap { input in files[input.name].map { Self.fileSummary($0, name: input.name) } }
        let logFiles = jails.map { jail in jail.files.compactMap { name in files[name].map { Self.fileSummary($0, name: name) } } }
        var counters = Array(repeating: FilterCounters(), count: jails.count)
        for ledger in ledgers where ledger.header.partition == 0 {
            for (j, c) in ledger.header.counters.enumerated() where j < counters.count { counters[j].add(c) }
        }
        let partitions = ledgers.first?.header.partitions ?? 1
        // Per jail of the ledgers (the replay's jails are theirs, in their order), how many
        // failregexes its filter has: a group naming another is refused.
        let failregexes = jails.map(\.filter.config.patterns.failregex.count)
        let finalCounters = counters, finalSummary = summary
        /// One partition: its failures fed to an intake in one scan's order, decided.
        @Sendable func decide(
            _ partition: Int, _ each: JailReplay.FailureSink?
        ) -> Result<JailReplay.Outcome, LedgerReader.ReadError> {
            var intake = JailReplay.Intake(replay, each: each)
            // Per jail: its failures, and (rank of the file, line, index) sorted as one scan
            // reads them (plain integers: sorting them moves no reference-counted value).
            var failures: [[Failure]] = Array(repeating: [], count: jails.count)
            var order: [[(place: Int, line: Int, index: Int)]] = Array(repeating: [], count: jails.count)
            for known in ledgers where known.header.partition == partition {
                let ledger: LedgerReader
                do { ledger = known.groups.isEmpty ? try LedgerReader(path: known.path, failregexes: failregexes) : known } catch {
                    return .failure(error)
                }
                guard ledger.header == known.header else {
                    return .failure(LedgerReader.ReadError(path: known.path, "changed while the reduce read it"))
                }
                for group in ledger.groups {
                    let path = name(ledger.header.files[group.f].path, shard: ledger.header.shard)
                    guard group.j < jails.count, let place = rank[group.j][path], let read = group.failures(file: place) else {
                        continue
                    }
                    for failure in read {
                        order[group.j].append((place, failure.line, failures[group.j].count))
                        failures[group.j].append(failure)
                    }
                }
            }
            for j in jails.indices {
                order[j].sort { ($0.place, $0.line, $0.index) < ($1.place, $1.line, $1.index) }
                let files = jails[j].files
                for key in order[j] { intake.take(j, failures[j][key.index], file: files[key.place]) }
            }
            return .success(intake.finish(counters: finalCounters, logFiles: logFiles, summary: finalSummary))
        }
        var parts: [JailReplay.Outcome] = []
        if each == nil && partitions > 1 {
            // Partitions are independent: decided on every core (the sinks of the sqlite and
            // HTML outputs take failures on one thread, so those reduce in order).
            for part in Parallel.map(partitions, { decide($0, nil) }) { parts.append(try part.get()) }
        } else {
            for partition in 0..<partitions { parts.append(try decide(partition, each).get()) }
        }

        // The partitions hold disjoint addresses: each jail's records put together, in order.
        let results = jails.indices.map { j -> JailResult in
            let all = parts.map { $0.results[j] }
            var hosts = HostFailures()
            for part in all {
                hosts.unresolved += part.hosts.unresolved
                hosts.dropped += part.hosts.dropped
                hosts.names.formUnion(part.hosts.names)
            }
            return JailResult(
                jail: all[0].jail, records: all.flatMap(\.records).sorted { $0.id < $1.id }, files: all[0].files,
                failures: all.reduce(0) { $0 + $1.failures }, counters: counters[j], hosts: hosts, logFiles: all[0].logFiles)
        }
        return JailReplay.Outcome(results: results, summary: summary)
    }

    static func fileSummary(_ file: LedgerFile, name: String) -> FileSummary {
        var summary = FileSummary(path: name)
        summary.bytes = file.bytes
        summary.lines = file.lines
        summary.opened = file.opened
        summary.unterminatedBytes = file.unterminatedBytes
        summary.compression = Compression(rawValue: file.compression) ?? .none
        return summary
    }

    /// The jails of the map, from `selected` (the same names, read from this machine's
    /// configuration) over the ledgers' files, checked against the map's configuration.
    /// - Throws: `ConfigError` when the jails, filters, logpath or logtimezone differ from
    ///   the map's (another hash); the filters' errors.
    package func jails(_ selected: [JailConfig], options: FilterOptions, configDirectory: String) throws -> [JailReplay.Jail] {
        let allFiles = Array(files.keys)
        // A shared path's name is SHARD:PATH: the jail's logpath matches its path.
        let pathOf = { (name: String) -> String in name.firstIndex(of: "/").map { String(name[$0...]) } ?? name }
        let jails = try JailReplay.Jail.among(allFiles, configs: selected, options: options, streams: true, pathOf: pathOf)
        // A rotated set read by several shards: a filter with multi-line state (<F-MLFID>,
        // maxlines > 1) needs the set read in order by one scan.
        for jail in jails where jail.filter.matcher.usesMultiLineIDs || jail.filter.maxLines > 1 {
            var shards: [String: Set<String>] = [:]
            for file in jail.files {
                guard let shard = shardOf[file] else { continue }
                shards[RotatedSet.rotation(of: file).base, default: []].insert(shard)
            }
            if let (log, split) = shards.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
                throw ConfigError(
                    file: log,
                    "[\(jail.config.name)] its rotated set is split across shards \(split.sorted().joined(separator: ", ")): the filter's multi-line state (<F-MLFID> or maxlines) needs the set read whole; map each rotated set in one shard"
                )
            }
        }
        let hash = LedgerConfiguration.hash(jails: jails, mapOptions: header.mapOptions)
        guard hash == header.configHash else {
            throw ConfigError(
                file: configDirectory,
                "the ledgers were mapped under another configuration (jails, filters, logpath or logtimezone differ; hash \(header.configHash), here \(hash))"
            )
        }
        return jails
    }

    /// Checks `--now` and `--timezone` given to the reduce against the map's: the map
    /// decided the years and zones of its dates with its own, so another value is refused.
    /// - Throws: `ConfigError` naming the first ledger and the map's value.
    package func checkRepeatedMapOptions(now: Int?, timeZone: String?) throws(ConfigError) {
        for (option, value, key) in [("--now", now.map(String.init), "now"), ("--timezone", timeZone, "timezone")] {
            guard let value else { continue }
            let mapped = LedgerConfiguration.value(of: key, in: header.mapOptions)
            guard mapped == value else {
                throw ConfigError(
                    file: ledgers.first?.path ?? "ledgers",
                    "\(option) \(value): the ledgers were mapped \(mapped.map { "with \(option) \($0)" } ?? "without \(option)"); the reduce takes the map's (leave it out)"
                )
            }
        }
    }

    /// What the maps met reading their files (each a warning), files in path order.
    package var findings: [Finding] {
        files.values.sorted { $0.path < $1.path }.flatMap { file in file.warnings.map { Finding(.warning, $0) } }
    }
}
