/// One point of a tuning grid: the settings of a jail that decide its bans.
package struct TuneSetting: Sendable, Hashable {
    package var maxRetry: Int
    /// Seconds.
    package var findTime: Int
    /// Seconds; -1 is forever.
    package var banTime: Int
    /// `bantime.increment` on (the jail's increment settings, else fail2ban's defaults) or off.
    package var increment: Bool

    package init(maxRetry: Int, findTime: Int, banTime: Int, increment: Bool) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.increment = increment
    }

    /// Every combination of the values, maxretry varying slowest, increment fastest.
    package static func grid(maxRetry: [Int], findTime: [Int], banTime: [Int], increment: [Bool]) -> [TuneSetting] {
        maxRetry.flatMap { m in
            findTime.flatMap { f in
                banTime.flatMap { b in increment.map { TuneSetting(maxRetry: m, findTime: f, banTime: b, increment: $0) } }
            }
        }
    }
}
