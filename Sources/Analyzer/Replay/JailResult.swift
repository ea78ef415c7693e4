import Fail2banConfig

/// A jail's decisions with what its outputs need.
public struct JailResult: Sendable {
    public let jail: JailConfig
    public let records: [JailRecord]
    /// Files the jail read.
    public let files: Int
    /// Failures counted (within `--since`/`--until`).
    public let failures: Int
    /// The filter's counters (candidate lines, lines without date, limit hits, ...).
    public let counters: FilterCounters
    /// Failures whose id was a host name.
    public let hosts: HostFailures
    /// How each of the jail's files was read, in reading order (for fail2ban's `logs`
    /// table: where a server taking over should carry on).
    public let logFiles: [FileSummary]

    public init(
        jail: JailConfig, records: [JailRecord], files: Int = 0, failures: Int = 0,
        counters: FilterCounters = FilterCounters(), hosts: HostFailures = HostFailures(),
        logFiles: [FileSummary] = []
    ) {
        self.hosts = hosts
        self.logFiles = logFiles
        self.jail = jail
        self.records = records
        self.files = files
        self.failures = failures
        self.counters = counters
    }

    /// Banned addresses of one family, canonical and unique, in address order.
    /// - Parameter activeAt: keep only bans whose bantime has not run out at that time.
    public func banned(ipv6: Bool, activeAt: Int? = nil) -> [IPAddress] {
        records.filter { record in
            guard record.banned else { return false }
            guard let at = activeAt else { return true }
            return record.isBanned(at: at)
        }.compactMap(\.id.address).filter { $0.isIPv4 != ipv6 }
    }

    /// Banned ids that are not addresses (host names, `<F-ID>` values): they cannot go
    /// into a firewall file.
    public var bannedNonAddresses: [FailureID] {
        records.filter { $0.banned && $0.id.address == nil }.map(\.id)
    }
}
