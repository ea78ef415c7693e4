/// What a jail decided about one id.
public struct JailRecord: Sendable, Equatable {
    public var id: FailureID
    public var failures = 0
    public var first = 0
    public var last = 0
    /// Start times of the bans.
    public var bans: [Int] = []
    /// End times of the bans, prolongations included (`Int.max`: forever).
    public var banEnds: [Int] = []
    /// Failures per failregex (1-based, as fail2ban-regex numbers them).
    public var hits: [Int: Int] = [:]

    /// - Parameter banEnds: defaults to `bans` plus `banTime` (no prolongation).
    public init(
        id: FailureID, failures: Int = 0, first: Int = 0, last: Int = 0, bans: [Int] = [], banEnds: [Int]? = nil, banTime: Int = 600,
        hits: [Int: Int] = [:]
    ) {
        self.id = id
        self.failures = failures
        self.first = first
        self.last = last
        self.bans = bans
        self.banEnds = banEnds ?? bans.map { banTime < 0 ? Int.max : $0 + banTime }
        self.hits = hits
    }

    public var banned: Bool { !bans.isEmpty }

    /// Whether one of the bans runs at `time` (fail2ban lifts a ban once the time is past
    /// its end).
    public func isBanned(at time: Int) -> Bool {
        zip(bans, banEnds).contains { start, end in start <= time && time <= end }
    }
}
