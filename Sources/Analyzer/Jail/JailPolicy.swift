import Fail2banConfig

/// A jail's rules for replaying failures into bans.
public struct JailPolicy: Sendable, Equatable {
    public var maxRetry: Int
    /// Seconds.
    public var findTime: Int
    /// Seconds; -1 is forever.
    public var banTime: Int
    /// Addresses and networks never banned (`ignoreip`).
    public var ignore: [CIDR]
    public var window: BanWindow
    /// `bantime.increment`, nil when off.
    public var increment: BanTimeIncrement?

    public init(
        maxRetry: Int, findTime: Int, banTime: Int, ignore: [CIDR] = [], window: BanWindow = .failmanager,
        increment: BanTimeIncrement? = nil
    ) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.ignore = ignore
        self.window = window
        self.increment = increment
    }

    /// Loopback, which fail2ban's `ignoreself` always covers (its own addresses
    /// include 127.0.0.1 and ::1; any 127/8 address is the host itself).
    public static let loopback = [CIDR("127.0.0.0/8")!, CIDR("::1")!]

    /// A jail's policy; `ignoreip` entries that are not addresses or networks (host
    /// names, which would need DNS) are left out: see ``unresolvedNames(_:)``.
    /// - Parameter selfAddresses: the addresses of the host whose logs these are; with
    ///   `ignoreself` (the default) they and loopback are never banned. Offline, failscan
    ///   cannot ask the host, so the user names them.
    public init(jail: JailConfig, window: BanWindow = .failmanager, selfAddresses: [CIDR] = []) {
        self.init(
            maxRetry: jail.maxRetry, findTime: jail.findTime, banTime: jail.banTime,
            ignore: jail.ignoreIP.compactMap(CIDR.init) + (jail.ignoreSelf ? Self.loopback + selfAddresses : []), window: window,
            increment: jail.banTimeIncrement)
    }

    /// The `ignoreip` entries of `jail` that are host names: failscan is offline and does
    /// not resolve them, so they ignore nothing.
    public static func unresolvedNames(_ jail: JailConfig) -> [String] {
        jail.ignoreIP.filter { CIDR($0) == nil }
    }

    /// Whether `id` is never banned.
    public func ignores(_ id: FailureID) -> Bool {
        guard let address = id.address else { return false }
        return ignore.contains { $0.contains(address) }
    }
}
