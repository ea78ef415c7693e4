import Analyzer

/// The first line of a ledger (`failscan map`'s output, read by `failscan reduce`): what
/// made it and what it covers. A ledger is zstd-compressed JSON Lines: this header, then
/// one ``LedgerGroup`` per jail, failure id and file.
///
/// Format version 1, documented in docs/LEDGER.md.
public struct LedgerHeader: Codable, Sendable, Equatable {
    /// Always ``LedgerHeader/formatName``.
    public var format: String
    public var version: Int
    /// The failscan that wrote it (`failscan reduce` refuses another version's ledgers).
    public var failscan: String
    /// A hash of what decides the failures: each jail's name, filter (its regexes, date
    /// patterns, maxlines, usedns), logpath and logtimezone, and the map's own options.
    public var configHash: String
    /// The map's options that entered the hash (`--now`, `--timezone`, ...), so that the
    /// reduce can recompute it from its own configuration.
    public var mapOptions: [String]
    /// The shard's name (unique among the shards of one reduce).
    public var shard: String
    /// This ledger's partition, and how many there are (failure ids are spread by a hash
    /// of their text: every rule of fail2ban is per address).
    public var partition: Int
    public var partitions: Int
    /// The jails, in the configuration's order; groups refer to them by index.
    public var jails: [String]
    /// The shard's files, in reading order; groups refer to them by index.
    public var files: [LedgerFile]
    /// Per jail, its filter's counters on this shard (for the statistics and warnings).
    public var counters: [FilterRunner.Counters]
    public static let formatName = "failscan-ledger"
    public static let currentVersion = 1

    public init(
        failscan: String, configHash: String, mapOptions: [String], shard: String, partition: Int, partitions: Int,
        jails: [String], files: [LedgerFile], counters: [FilterRunner.Counters]
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
public struct LedgerFile: Codable, Sendable, Equatable {
    public var path: String
    /// The modification time the map anchored dates without a year on (in object storage
    /// the upload time is not it: the driver carries the original in a manifest).
    public var mtime: Int
    /// Uncompressed bytes read and lines (for the statistics and the fail2ban database).
    public var bytes: Int
    public var lines: Int
    public var compression: String
    public var opened: Bool
    public var unterminatedBytes: Int
    /// What went wrong reading it (reported again by the reduce).
    public var warnings: [String]

    public init(
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
