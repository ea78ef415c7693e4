import Analyzer

/// The first line of a ledger (`failscan map`'s output, read by `failscan reduce`): what
/// made it and what it covers. A ledger is zstd-compressed JSON Lines: this header, then
/// one ``LedgerGroup`` per jail, failure id and file.
///
/// Format version 1, documented in docs/LEDGER.md.
package struct LedgerHeader: Codable, Sendable, Equatable {
    /// Always ``LedgerHeader/formatName``.
    package var format: String
    package var version: Int
    /// The failscan that wrote it (`failscan reduce` refuses another version's ledgers).
    package var failscan: String
    /// A hash of what decides the failures: each jail's name, filter (its regexes, date
    /// patterns, maxlines, usedns), logpath and logtimezone, and the map's own options.
    package var configHash: String
    /// The map's options that entered the hash (`--now`, `--timezone`, ...), so that the
    /// reduce can recompute it from its own configuration.
    package var mapOptions: [String]
    /// The shard's name (unique among the shards of one reduce).
    package var shard: String
    /// This ledger's partition, and how many there are (failure ids are spread by a hash
    /// of their text: every rule of fail2ban is per address).
    package var partition: Int
    package var partitions: Int
    /// The jails, in the configuration's order; groups refer to them by index.
    package var jails: [String]
    /// The shard's files, in reading order; groups refer to them by index.
    package var files: [LedgerFile]
    /// Per jail, its filter's counters on this shard (for the statistics and warnings).
    package var counters: [FilterCounters]
    package static let formatName = "failscan-ledger"
    package static let currentVersion = 1

    package init(
        failscan: String, configHash: String, mapOptions: [String], shard: String, partition: Int, partitions: Int,
        jails: [String], files: [LedgerFile], counters: [FilterCounters]
    ) {
        format = Self.formatName
        version = Self.currentVersion
        self.failscan = failscan
        self.configHash = configHash
        self.mapOptions = mapOptions
        self.shard = shard
        self.partition = partition
        self.partitions = partitions
        self.jails = jails
        self.files = files
        self.counters = counters
    }
}

/// One file of a shard, as the map read it.
package struct LedgerFile: Codable, Sendable, Equatable {
    package var path: String
    /// The modification time the map anchored dates without a year on (in object storage
    /// the upload time is not it: the driver carries the original in a manifest).
    package var mtime: Int
    /// Uncompressed bytes read and lines (for the statistics and the fail2ban database).
    package var bytes: Int
    package var lines: Int
    package var compression: String
    package var opened: Bool
    package var unterminatedBytes: Int
    /// What went wrong reading it (reported again by the reduce).
    package var warnings: [String]

    package init(
        path: String, mtime: Int, bytes: Int, lines: Int, compression: String, opened: Bool, unterminatedBytes: Int,
        warnings: [String]
    ) {
        self.path = path
        self.mtime = mtime
        self.bytes = bytes
        self.lines = lines
        self.compression = compression
        self.opened = opened
        self.unterminatedBytes = unterminatedBytes
        self.warnings = warnings
    }
}

/// The ranges a ledger's numbers must lie in (docs/LEDGER.md): what a map can write, with
/// room to spare, and sums of them that cannot overflow. A reduce refuses a ledger outside
/// them, naming it and its line, instead of trapping on arithmetic or allocating for a
/// forged value.
package enum LedgerLimits {
    /// Times: from year 1 to the end of year 9999, in Unix seconds.
    package static let times = -62_135_596_800...253_402_300_799
    /// Counters, byte and line counts, line numbers: up to 2^40 (a trillion) each.
    package static let counts = 0...(1 << 40)
    /// Partitions of a set.
    package static let partitions = 1...65_536
    /// Jails and files of one ledger.
    package static let jails = 0...100_000
    package static let files = 0...1_000_000
    /// A shard's name (it is part of the ledgers' file names): at most 200 bytes.
    package static let shardBytes = 1...200
    /// A ledger inflates to at most this many bytes, or `ratio` times its own size if that
    /// is more (a 24 KB forged ledger that inflates to 1.5 GB is refused).
    package static let inflated = 64 << 20
    package static let ratio = 1000

    /// Why `name` cannot be a shard's name (part of its ledgers' file names), or nil: 1 to
    /// 200 bytes, no `/`, no control character, not starting with a dot.
    package static func shardNameProblem(_ name: String) -> String? {
        let fits =
            shardBytes.contains(name.utf8.count) && !name.contains("/") && !name.hasPrefix(".")
            && !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        return fits
            ? nil
            : "\(name.debugDescription): not a shard name (1 to \(shardBytes.upperBound) bytes, without / or control characters, not starting with a dot)"
    }
}

extension LedgerHeader {
    /// What is wrong with the header's numbers and names, or nil.
    package var problem: String? {
        guard LedgerLimits.partitions.contains(partitions) else {
            return "partitions \(partitions): not in \(LedgerLimits.partitions.lowerBound)...\(LedgerLimits.partitions.upperBound)"
        }
        guard (0..<partitions).contains(partition) else { return "partition \(partition) of \(partitions)" }
        guard configHash.utf8.count == 16, configHash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return "configHash \(configHash.debugDescription): not 16 hex digits"
        }
        if let problem = LedgerLimits.shardNameProblem(shard) { return "shard \(problem)" }
        guard LedgerLimits.jails.contains(jails.count), counters.count == jails.count else {
            return "\(jails.count) jails and \(counters.count) counters"
        }
        for (j, counter) in counters.enumerated() {
            for value in [counter.candidates, counter.matched, counter.noDate, counter.invalidID, counter.limitHits]
            where !LedgerLimits.counts.contains(value) {
                return "counter \(value) of jail \(j): not in 0...2^40"
            }
        }
        guard LedgerLimits.files.contains(files.count) else { return "\(files.count) files" }
        for (n, file) in files.enumerated() {
            guard !file.path.isEmpty, !file.path.utf8.contains(0) else { return "file \(n): an empty path or one with a NUL byte" }
            guard LedgerLimits.times.contains(file.mtime) else { return "file \(n): mtime \(file.mtime) not a time" }
            for value in [file.bytes, file.lines, file.unterminatedBytes] where !LedgerLimits.counts.contains(value) {
                return "file \(n): \(value) bytes or lines: not in 0...2^40"
            }
            guard file.unterminatedBytes <= file.bytes else { return "file \(n): more unterminated bytes than bytes" }
        }
        return nil
    }
}
