import Analyzer
import Fail2banConfig
import Foundation
import LogSource

/// The map half of a distributed `failscan jails` (`failscan map`): one shard's files
/// scanned through the replay's one scan, its failures gathered by jail, id and file
/// (``LedgerWriter``), and the header that says what was read and under which
/// configuration (``LedgerHeader``).
package struct LedgerMap {
    /// The shard's failures, ready to be written as ledgers.
    package let writer: LedgerWriter
    /// What the scan read.
    package let summary: ScanSummary
    /// The ledgers' header (partition 0; each ledger gets its own number).
    package let header: LedgerHeader

    /// Scans `replay`'s files (its options must keep each failure's details).
    /// - Parameters:
    ///   - shard: the shard's name (``shardName(files:)`` when none is given).
    ///   - mapOptions: the options that change what failures are found (they enter the
    ///     configuration's hash).
    ///   - systemName: the name a file read goes by in the ledgers (the path of the system
    ///     under `--root`, which the reduce's logpaths name), by the name the scan gave it.
    package init(
        _ replay: JailReplay, shard: String, partitions: Int, mapOptions: [String], failscan: String,
        systemName: (String) -> String = { $0 }, progress: (@Sendable (ReadProgress) -> Void)? = nil
    ) {
        let writer = LedgerWriter()
        let scanned = replay.scan(progress: progress) { f, failure, _ in writer.add(jail: f, file: failure.file, failure) }
        let files = scanned.summary.files.map { file in
            var info = stat()
            let mtime = stat(file.path, &info) == 0 ? Int(info.st_mtim.tv_sec) : 0
            return LedgerFile(
                path: systemName(file.path), mtime: mtime, bytes: file.bytes, lines: file.lines, compression: file.compression.rawValue,
                opened: file.opened, unterminatedBytes: file.unterminatedBytes, warnings: file.warnings.map(\.description))
        }
        self.writer = writer
        summary = scanned.summary
        header = LedgerHeader(
            failscan: failscan, configHash: LedgerConfiguration.hash(jails: replay.jails, mapOptions: mapOptions),
            mapOptions: mapOptions, shard: shard, partition: 0, partitions: partitions, jails: replay.jails.map(\.config.name),
            files: files, counters: scanned.summary.filterCounters)
    }

    /// The jails of `selected` that read some of `files` (absolute paths), each with the
    /// files its logpath names (by path, else by file name: ``JailReplay/Jail/among(_:configs:options:streams:pathOf:)``),
    /// and the files no jail reads. Under `--root` (`options.root`),
    /// a file under the root is named by the path of the system it belongs to
    /// (`ROOT/var/log/auth.log` by `/var/log/auth.log`); with no file given, the jails read
    /// the system under the root (``jails(_:root:options:configDirectory:)``).
    /// - Throws: `ConfigError` when no jail's logpath names any of the files; the filters' errors.
    package static func jails(
        _ selected: [JailConfig], files: [String], options: FilterOptions, configDirectory: String
    ) throws -> (jails: [JailReplay.Jail], unread: [String]) {
        let root = options.root
        if let root, files.isEmpty { return (try jails(selected, root: root, options: options, configDirectory: configDirectory), []) }
        let jails = try JailReplay.Jail.among(files, configs: selected, options: options, pathOf: { root?.systemPath($0) ?? $0 })
        let read = Set(jails.flatMap(\.readPaths))
        guard !read.isEmpty else {
            throw ConfigError(
                file: configDirectory,
                "no jail's logpath names any of the files, by path\(root == nil ? "" : " under --root") or by file name (the logpaths: \(patterns(jails)))"
            )
        }
        return (jails, files.filter { !read.contains($0) })
    }

    /// The jails of `selected` over the system under `root` (`map --root` without files):
    /// each jail's logpath, rotated siblings included, or its journal, found inside the root
    /// as `failscan jails --root` finds them.
    /// - Throws: `ConfigError` when no jail finds a file; the filters' errors.
    static func jails(
        _ selected: [JailConfig], root: FileRoot, options: FilterOptions, configDirectory: String
    ) throws -> [JailReplay.Jail] {
        var options = options
        options.root = root
        var jails: [JailReplay.Jail] = []
        for config in selected { jails.append(try JailReplay.Jail(config: config, options: options)) }
        guard jails.contains(where: { !$0.inputs.isEmpty }) else {
            throw ConfigError(
                file: configDirectory,
                "no jail's logpath or journal finds a file under \(root.directory.isEmpty ? "/" : root.directory) (\(patterns(jails)))")
        }
        return jails
    }

    /// The jails' logpaths (or journal sources), each once, for messages.
    static func patterns(_ jails: [JailReplay.Jail]) -> String {
        var seen = Set<String>()
        return jails.flatMap { $0.journalSource.map { [$0] } ?? $0.config.logPatterns }.filter { seen.insert($0).inserted }
            .joined(separator: " ")
    }

    /// How a map under `root` names the inputs of `jails` in its ledgers: by the paths of
    /// the system under the root (a journal stream by each of its files).
    package static func systemNames(_ jails: [JailReplay.Jail], root: FileRoot) -> [String: String] {
        var names: [String: String] = [:]
        for input in jails.flatMap(\.inputs) {
            switch input {
            case .journal(let selection): names[input.name] = selection.names.map(root.systemPath).joined(separator: " ")
            default: names[input.name] = root.systemPath(input.name)
            }
        }
        return names
    }

    /// The name of a shard none was given for: a hash of its files' paths.
    package static func shardName(files: [String]) -> String {
        String(FNV1a.hash(files.sorted().joined(separator: "\n").utf8), radix: 16)
    }
}
