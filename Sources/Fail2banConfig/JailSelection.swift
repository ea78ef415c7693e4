import LogSource

/// The jails a run replays: those named (default: every enabled one) of a configuration.
package struct JailSelection: Sendable {
    /// The jails to replay, in the configuration's order.
    package let jails: [JailConfig]

    /// Selects `names` (all enabled jails when empty) of the configuration in `configDirectory`.
    /// - Throws: `ConfigError` for a name that is no jail.
    /// - Parameter root: the system the configuration belongs to (`--root`).
    package init(_ names: [String], configDirectory: String, root: FileRoot? = nil) throws(ConfigError) {
        let all = try JailLoader(configDirectory: configDirectory, root: root).load()
        for name in names where !all.contains(where: { $0.name == name }) {
            throw ConfigError(file: configDirectory, "no jail [\(name)]")
        }
        jails = all.filter { names.isEmpty ? $0.enabled : names.contains($0.name) }
        self.configDirectory = configDirectory
    }

    let configDirectory: String

    /// The jails, when there is one at least.
    /// - Throws: `ConfigError` when no jail is enabled.
    package func required() throws(ConfigError) -> [JailConfig] {
        guard !jails.isEmpty else { throw ConfigError(file: configDirectory, "no enabled jail") }
        return jails
    }
}
