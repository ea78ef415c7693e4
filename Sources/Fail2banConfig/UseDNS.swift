/// A jail's `usedns`: what fail2ban does with a host name that `<HOST>` matched.
package enum UseDNS: String, Sendable, CaseIterable {
    /// Resolve it; drop the failure when it does not resolve.
    case yes
    /// As `yes`, with a warning (fail2ban's default).
    case warn
    /// `<HOST>` matches addresses only.
    case no
    /// Host names are not resolved, and dropped (only `<F-ID>` values stay raw).
    case raw

    /// Whether fail2ban would look the name up.
    package var resolves: Bool { self == .yes || self == .warn }

    /// Reads a `usedns` value as fail2ban does (case-insensitive).
    package init?(config text: String) {
        self.init(rawValue: text.lowercased())
    }
}
