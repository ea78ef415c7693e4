/// What became of one jail's failures whose id was a host name (`<HOST>`'s name form).
package struct HostFailures: Sendable, Equatable {
    /// Kept unresolved: reported with their name, never banned.
    package var unresolved = 0
    /// The distinct names kept unresolved.
    package var names: Set<String> = []
    /// Dropped as fail2ban drops them: `usedns = no` or `raw`, or a name that does not
    /// resolve.
    package var dropped = 0

    package init() {}
}
