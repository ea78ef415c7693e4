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
    package init(
        _ replay: JailReplay, shard: String, partitions: Int, mapOptions: [String], failscan: String,
        progress: (@Sendable (Int) -> Void)? = nil
    ) {
        let writer = LedgerWriter()
        let scanned = replay.scan(progress: progress) { f, failure, _ in writer.add(jail: f, file: failure.file, failure) }
        let files = scanned.summary.files.map { file in
            var info = stat()
            let mtime = stat(file.path, &info) == 0 ? Int(info.st_mtim.tv_sec) : 0
            return LedgerFile(
                path: file.path, mtime: mtime, bytes: file.bytes, lines: file.lines, compression: file.compression.rawValue,
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
    /// files its logpath names, and the files no jail reads.
    /// - Throws: `ConfigError` when no jail's logpath names any of the files; the filters' errors.
    package static func jails(
        _ selected: [JailConfig], files: [String], options: FilterOptions, configDirectory: String
    ) throws -> (jails: [JailReplay.Jail], unread: [String]) {
        var jails: [JailReplay.Jail] = []
        for config in selected { jails.append(try JailReplay.Jail(config: config, options: options, among: files)) }
        let read = Set(jails.flatMap(\.readPaths))
        guard !read.isEmpty else {
            var seen = Set<String>()
            let patterns = jails.flatMap(\.config.logPatterns).filter { seen.insert($0).inserted }
            throw ConfigError(
                file: configDirectory,
                "no jail's logpath names any of the files (name them as the configuration's logpath does: \(patterns.joined(separator: " ")))"
            )
        }
        return (jails, files.filter { !read.contains($0) })
    }

    /// The name of a shard none was given for: a hash of its files' paths.
    package static func shardName(files: [String]) -> String {
        String(FNV1a.hash(files.sorted().joined(separator: "\n").utf8), radix: 16)
    }
}
