/// What a jail decided about one id.
public struct JailRecord: Sendable, Equatable {
    public var id: FailureID
    public var failures = 0
    public var first = 0
    public var last = 0
    /// Start times of the bans.
    public var bans: [Int] = []
    /// Failures per failregex (1-based, as fail2ban-regex numbers them).
    public var hits: [Int: Int] = [:]

    public init(id: FailureID, failures: Int = 0, first: Int = 0, last: Int = 0, bans: [Int] = [], hits: [Int: Int] = [:]) {
        self.id = id
        self.failures = failures
        self.first = first
        self.last = last
        self.bans = bans
        self.hits = hits
    }

    public var banned: Bool { !bans.isEmpty }

    /// Whether one of the bans runs at `time` (`banTime` -1: forever).
    public func isBanned(at time: Int, banTime: Int) -> Bool {
        bans.contains { start in banTime < 0 || (start <= time && time < start + banTime) }
    }
}
