/// What one setting of a grid would have done to the same failures.
public struct TuneOutcome: Sendable {
    /// An address that failed at least maxretry times, was never banned and never logged
    /// in: failures spread wider than findtime (a slow attacker, or a password sprayer's
    /// address).
    public struct SlowAttacker: Sendable, Equatable {
        public let id: FailureID
        public let failures: Int
        public let first: Int
        public let last: Int
    }

    /// A legitimate user's address (one that logged in successfully in the same logs)
    /// that this setting bans.
    public struct Lockout: Sendable, Equatable {
        public let id: FailureID
        /// The user of its successful login nearest the ban (before or after it; the
        /// earlier on a tie).
        public let user: String
        /// The ban: start and end (`Int.max`: forever).
        public let start: Int
        public let end: Int
        /// Its failures within findtime up to the ban (what led to it).
        public let failures: Int
        /// The time of that successful login.
        public let success: Int
    }

    public let setting: TuneSetting
    /// Bans, prolongations not counted.
    public internal(set) var bans = 0
    /// Banned ids, sorted.
    public internal(set) var banned: [FailureID] = []
    /// Every counted failure.
    public internal(set) var failures = 0
    /// Failures that came while a ban of their address was running (after its start).
    public internal(set) var failuresStopped = 0
    /// Sorted by id.
    public internal(set) var slowAttackers: [SlowAttacker] = []
    /// For each banned id, seconds from its first failure to its first ban; ascending.
    public internal(set) var timesToFirstBan: [Int] = []
    /// Sorted by id, then ban start.
    public internal(set) var lockouts: [Lockout] = []

    init(setting: TuneSetting) { self.setting = setting }

    /// The `fraction` quantile of the times to first ban (nearest rank), nil without bans.
    public func timeToFirstBan(quantile fraction: Double) -> Int? {
        guard !timesToFirstBan.isEmpty else { return nil }
        let rank = Int((fraction * Double(timesToFirstBan.count)).rounded(.up))
        return timesToFirstBan[max(0, min(timesToFirstBan.count - 1, rank - 1))]
    }

    /// Distinct users locked out.
    public var lockedOutUsers: [String] { Array(Set(lockouts.map(\.user))).sorted() }

    /// Distinct addresses locked out.
    public var lockedOutAddresses: Int { Set(lockouts.map(\.id)).count }
}
