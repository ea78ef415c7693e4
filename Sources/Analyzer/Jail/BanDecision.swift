/// An id that failed at least once, and whether the policy bans it.
public struct Offender: Sendable, Equatable {
    public var id: FailureID
    public var failures: Int
    public var first: Int
    public var last: Int
    public var banned: Bool
    /// When the ban starts: the time of the failure that reached maxretry.
    public var bannedAt: Int?
}

/// The ban rule of the walking skeleton: an id is banned when `maxretry` of its
/// failures fall within `findtime` seconds of each other (a sliding window, both ends
/// inclusive). fail2ban's own FailManager accounting comes with the jail support.
public struct BanPolicy: Sendable, Equatable {
    /// fail2ban's default `maxretry`.
    public var maxRetry: Int = 5
    /// fail2ban's default `findtime`, seconds.
    public var findTime: Int = 600
    /// Addresses and networks never banned (`ignoreip`).
    public var ignore: [CIDR] = []

    public init(maxRetry: Int = 5, findTime: Int = 600, ignore: [CIDR] = []) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.ignore = ignore
    }

    /// Decides every id of `ledger`; the result is sorted by id.
    public func decide(_ ledger: FailureLedger) -> [Offender] {
        var offenders: [Offender] = []
        for (id, entry) in ledger.entries {
            if let address = id.address, ignore.contains(where: { $0.contains(address) }) { continue }
            let times = entry.times
            var bannedAt: Int? = nil
            if maxRetry >= 1, times.count >= maxRetry {
                for end in (maxRetry - 1)..<times.count where times[end] - times[end - maxRetry + 1] <= findTime {
                    bannedAt = times[end]
                    break
                }
            }
            offenders.append(Offender(id: id, failures: times.count, first: times.first ?? 0, last: times.last ?? 0,
                                      banned: bannedAt != nil, bannedAt: bannedAt))
        }
        return offenders.sorted { $0.id < $1.id }
    }
}
