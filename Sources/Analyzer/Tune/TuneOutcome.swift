/// What one setting of a grid would have done to the same failures.
package struct TuneOutcome: Sendable {
    /// An address that failed at least maxretry times, was never banned and never logged
    /// in: failures spread wider than findtime (a slow attacker, or a password sprayer's
    /// address).
    package struct SlowAttacker: Sendable, Equatable {
        package let id: FailureID
        package let failures: Int
        package let first: Int
        package let last: Int
    }

    /// A legitimate user's address (one that logged in successfully in the same logs)
    /// that this setting bans.
    package struct Lockout: Sendable, Equatable {
        package let id: FailureID
        /// The user of its successful login nearest the ban (before or after it; the
        /// earlier on a tie).
        package let user: String
        /// The ban: start and end (`Int.max`: forever).
        package let start: Int
        package let end: Int
        /// Its failures within findtime up to the ban (what led to it).
        package let failures: Int
        /// The time of that successful login.
        package let success: Int
    }

    package let setting: TuneSetting
    /// Bans, prolongations not counted.
    package internal(set) var bans = 0
    /// Banned ids, sorted.
    package internal(set) var banned: [FailureID] = []
    /// Every counted failure.
    package internal(set) var failures = 0
    /// Failures that came while a ban of their address was running (after its start).
    package internal(set) var failuresStopped = 0
    /// Sorted by id.
    package internal(set) var slowAttackers: [SlowAttacker] = []
    /// For each banned id, seconds from its first failure to its first ban; ascending.
    package internal(set) var timesToFirstBan: [Int] = []
    /// Sorted by id, then ban start.
    package internal(set) var lockouts: [Lockout] = []

    /// What stays when the lists are dropped (``summarized(keepingLockouts:)``): set by
    /// ``seal()`` from the lists once the setting is decided.
    package internal(set) var bannedCount = 0
    package internal(set) var slowAttackerCount = 0
    package internal(set) var lockoutCount = 0
    /// Distinct addresses locked out.
    package internal(set) var lockedOutAddresses = 0
    /// Distinct users locked out, sorted.
    package internal(set) var lockedOutUsers: [String] = []
    /// Seconds from first failure to first ban: median and p90 (nearest rank) and the
    /// longest; nil without bans.
    package internal(set) var firstBanMedian: Int? = nil
    package internal(set) var firstBanP90: Int? = nil
    package internal(set) var firstBanMax: Int? = nil

    init(setting: TuneSetting) { self.setting = setting }

    /// The `fraction` quantile of the times to first ban (nearest rank), nil without bans.
    func timeToFirstBan(quantile fraction: Double) -> Int? {
        guard !timesToFirstBan.isEmpty else { return nil }
        let rank = Int((fraction * Double(timesToFirstBan.count)).rounded(.up))
        return timesToFirstBan[max(0, min(timesToFirstBan.count - 1, rank - 1))]
    }

    /// Sets the counts from the lists.
    mutating func seal() {
        timesToFirstBan.sort()
        bannedCount = banned.count
        slowAttackerCount = slowAttackers.count
        lockoutCount = lockouts.count
        lockedOutAddresses = Set(lockouts.map(\.id)).count
        lockedOutUsers = Array(Set(lockouts.map(\.user))).sorted()
        firstBanMedian = timeToFirstBan(quantile: 0.5)
        firstBanP90 = timeToFirstBan(quantile: 0.9)
        firstBanMax = timesToFirstBan.last
    }

    /// The outcome without its lists (banned addresses, slow attackers, times to first
    /// ban), its counts kept and its first `count` lockouts: what a table, CSV or the HTML
    /// page shows of a setting, so that a grid of thousands of settings over thousands of
    /// addresses holds counts, not lists.
    package func summarized(keepingLockouts count: Int) -> TuneOutcome {
        var summary = self
        summary.banned = []
        summary.slowAttackers = []
        summary.timesToFirstBan = []
        summary.lockouts = Array(lockouts.prefix(count))
        return summary
    }
}
