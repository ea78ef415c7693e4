/// One jail of a fail2ban configuration: what failscan needs to replay it, as values.
package struct JailConfig: Sendable, Equatable {
    /// The largest `maxretry` failscan takes.
    package static let maxRetryLimit = 1_000_000

    package var name: String
    package var enabled: Bool
    /// The filter as fail2ban names it: `sshd[mode=aggressive]`, or a path to a `.conf`.
    package var filter: String
    /// `logpath` patterns as written (globs allowed), one per line.
    package var logPatterns: [String]
    package var maxRetry: Int
    /// Seconds.
    package var findTime: Int
    /// Seconds; -1 is forever.
    package var banTime: Int
    /// `ignoreip` entries as written: addresses, networks and host names.
    package var ignoreIP: [String]
    /// `ignoreself`: the host's own addresses are never banned (fail2ban's default).
    package var ignoreSelf: Bool
    /// `usedns`: what happens to host names `<HOST>` matched.
    package var useDNS: UseDNS
    /// `bantime.increment` and its settings; nil when off (fail2ban's default).
    package var banTimeIncrement: BanTimeIncrement?
    package var port: String
    package var `protocol`: String
    package var banAction: String
    package var backend: String
    /// `logtimezone`, if the jail sets one.
    package var logTimeZone: String?
    /// `successregex` lines, if the jail sets any (failscan's own option, for `failscan
    /// tune`): they replace the filter's; a line `<filter>` stands for the filter's.
    package var successRegex: [String]?

    /// A jail with fail2ban's defaults for what is not given.
    package init(
        name: String, enabled: Bool = true, filter: String? = nil, logPatterns: [String] = [],
        maxRetry: Int = 5, findTime: Int = 600, banTime: Int = 600, ignoreIP: [String] = [], ignoreSelf: Bool = true,
        useDNS: UseDNS = .warn, banTimeIncrement: BanTimeIncrement? = nil,
        port: String = "0:65535", protocol: String = "tcp", banAction: String = "iptables-multiport",
        backend: String = "auto", logTimeZone: String? = nil, successRegex: [String]? = nil
    ) {
        self.name = name
        self.enabled = enabled
        self.filter = filter ?? name
        self.logPatterns = logPatterns
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.ignoreIP = ignoreIP
        self.ignoreSelf = ignoreSelf
        self.useDNS = useDNS
        self.banTimeIncrement = banTimeIncrement
        self.port = port
        self.protocol = `protocol`
        self.banAction = banAction
        self.backend = backend
        self.logTimeZone = logTimeZone
        self.successRegex = successRegex
    }
}
