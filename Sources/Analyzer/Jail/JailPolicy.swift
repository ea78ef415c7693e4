import Fail2banConfig

/// A jail's rules for replaying failures into bans.
package struct JailPolicy: Sendable, Equatable {
    package var maxRetry: Int
    /// Seconds.
    package var findTime: Int
    /// Seconds; -1 is forever.
    package var banTime: Int
    /// Addresses and networks never banned (`ignoreip`).
    package var ignore: [CIDR]
    package var window: BanWindow
    /// `bantime.increment`, nil when off.
    package var increment: BanTimeIncrement?

    package init(
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
    package static let loopback = [CIDR("127.0.0.0/8")!, CIDR("::1")!]

    /// A jail's policy; `ignoreip` entries that are not addresses or networks (host
    /// names, which would need DNS) are left out: see ``unresolvedNames(_:)``.
    /// - Parameter selfAddresses: the addresses of the host whose logs these are; with
    ///   `ignoreself` (the default) they and loopback are never banned. Offline, failscan
    ///   cannot ask the host, so the user names them.
    package init(jail: JailConfig, window: BanWindow = .failmanager, selfAddresses: [CIDR] = []) {
        self.init(
            maxRetry: jail.maxRetry, findTime: jail.findTime, banTime: jail.banTime,
            ignore: jail.ignoreIP.compactMap(CIDR.init) + (jail.ignoreSelf ? Self.loopback + selfAddresses : []), window: window,
            increment: jail.banTimeIncrement)
    }

    /// The `ignoreip` entries of `jail` that are host names: failscan is offline and does
    /// not resolve them, so they ignore nothing.
    package static func unresolvedNames(_ jail: JailConfig) -> [String] {
        jail.ignoreIP.filter { CIDR($0) == nil }
    }

    /// Whether `id` is never banned.
    package func ignores(_ id: FailureID) -> Bool {
        guard let address = id.address else { return false }
        return ignore.contains { $0.contains(address) }
    }
}
