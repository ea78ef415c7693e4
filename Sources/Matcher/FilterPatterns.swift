/// The regexes of one fail2ban filter, in fail2ban's dialect, before translation.
public struct FilterPatterns: Sendable, Equatable {
    public var prefregex: String?
    public var failregex: [String]
    public var ignoreregex: [String]
    /// fail2ban's `usedns`: when false, `<HOST>` matches addresses only.
    public var useDNS: Bool

    public init(prefregex: String? = nil, failregex: [String], ignoreregex: [String] = [], useDNS: Bool = true) {
        self.prefregex = prefregex
        self.failregex = failregex
        self.ignoreregex = ignoreregex
        self.useDNS = useDNS
    }
}
