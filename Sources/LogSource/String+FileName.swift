extension String {
    /// The last component of a path (`auth.log` of `/var/log/auth.log`); the path itself
    /// when it has no `/`-separated component.
    package var fileName: String { split(separator: "/").last.map(String.init) ?? self }
}
