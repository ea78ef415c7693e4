/// One point of a tuning grid: the settings of a jail that decide its bans.
public struct TuneSetting: Sendable, Hashable {
    public var maxRetry: Int
    /// Seconds.
    public var findTime: Int
    /// Seconds; -1 is forever.
    public var banTime: Int
    /// `bantime.increment` on (the jail's increment settings, else fail2ban's defaults) or off.
    public var increment: Bool

    public init(maxRetry: Int, findTime: Int, banTime: Int, increment: Bool) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.increment = increment
    }

    /// Every combination of the values, maxretry varying slowest, increment fastest.
    public static func grid(maxRetry: [Int], findTime: [Int], banTime: [Int], increment: [Bool]) -> [TuneSetting] {
        maxRetry.flatMap { m in
            findTime.flatMap { f in
                banTime.flatMap { b in increment.map { TuneSetting(maxRetry: m, findTime: f, banTime: b, increment: $0) } }
            }
        }
    }
}
