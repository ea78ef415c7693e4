/// The regexes of one fail2ban filter, in fail2ban's dialect, before translation.
public struct FilterPatterns: Sendable, Equatable {
    /// fail2ban's `prefregex`, when the filter has one.
    public var prefregex: String?
    /// The `failregex` lines, in order.
    public var failregex: [String]
    /// The `ignoreregex` lines, in order.
    public var ignoreregex: [String]
    /// fail2ban's `usedns`: when false, `<HOST>` matches addresses only.
    public var useDNS: Bool

    /// A filter's regexes as fail2ban's configuration gives them.
    public init(prefregex: String? = nil, failregex: [String], ignoreregex: [String] = [], useDNS: Bool = true) {
        self.prefregex = prefregex
        self.failregex = failregex
        self.ignoreregex = ignoreregex
        self.useDNS = useDNS
    }
}
