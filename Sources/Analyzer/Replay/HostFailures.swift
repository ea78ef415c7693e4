/// What became of one jail's failures whose id was a host name (`<HOST>`'s name form).
public struct HostFailures: Sendable, Equatable {
    /// Kept unresolved: reported with their name, never banned.
    public var unresolved = 0
    /// The distinct names kept unresolved.
    public var names: Set<String> = []
    /// Dropped as fail2ban drops them: `usedns = no` or `raw`, or a name that does not
    /// resolve.
    public var dropped = 0

    public init() {}
}
