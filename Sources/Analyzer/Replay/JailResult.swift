import Fail2banConfig

/// A jail's decisions with what its outputs need.
package struct JailResult: Sendable {
    package let jail: JailConfig
    package let records: [JailRecord]
    /// Files the jail read.
    package let files: Int
    /// Failures counted (within `--since`/`--until`).
    package let failures: Int
    /// The filter's counters (candidate lines, lines without date, limit hits, ...).
    package let counters: FilterCounters
    /// Failures whose id was a host name.
    package let hosts: HostFailures
    /// How each of the jail's files was read, in reading order (for fail2ban's `logs`
    /// table: where a server taking over should carry on).
    package let logFiles: [FileSummary]

    package init(
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
    package func banned(ipv6: Bool, activeAt: Int? = nil) -> [IPAddress] {
        records.filter { record in
            guard record.banned else { return false }
            guard let at = activeAt else { return true }
            return record.isBanned(at: at)
        }.compactMap(\.id.address).filter { $0.isIPv4 != ipv6 }
    }

    /// Banned ids that are not addresses (host names, `<F-ID>` values): they cannot go
    /// into a firewall file.
    package var bannedNonAddresses: [FailureID] {
        records.filter { $0.banned && $0.id.address == nil }.map(\.id)
    }
}
