/// What a jail decided about one id.
package struct JailRecord: Sendable, Equatable {
    package var id: FailureID
    package var failures = 0
    package var first = 0
    package var last = 0
    /// Start times of the bans.
    package var bans: [Int] = []
    /// End times of the bans, prolongations included (`Int.max`: forever).
    package var banEnds: [Int] = []
    /// Failures per failregex (1-based, as fail2ban-regex numbers them).
    package var hits: [Int: Int] = [:]

    /// - Parameter banEnds: defaults to `bans` plus `banTime` (no prolongation).
    package init(
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

    package var banned: Bool { !bans.isEmpty }

    /// Whether one of the bans runs at `time` (fail2ban lifts a ban once the time is past
    /// its end).
    package func isBanned(at time: Int) -> Bool {
        zip(bans, banEnds).contains { start, end in start <= time && time <= end }
    }
}
