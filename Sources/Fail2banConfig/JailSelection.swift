/// The jails a run replays: those named (default: every enabled one) of a configuration,
/// without those failscan cannot replay, each said with its reason.
package struct JailSelection: Sendable {
    /// The jails to replay, in the configuration's order.
    package let jails: [JailConfig]
    /// Jails left out, and why (a sentence for a warning).
    package let skipped: [(jail: String, reason: String)]

    /// Selects `names` (all enabled jails when empty) of the configuration in `configDirectory`.
    /// - Throws: `ConfigError` for a name that is no jail.
    package init(_ names: [String], configDirectory: String) throws(ConfigError) {
        let all = try JailLoader(configDirectory: configDirectory).load()
        for name in names where !all.contains(where: { $0.name == name }) {
            throw ConfigError(file: configDirectory, "no jail [\(name)]")
        }
        var selected = all.filter { names.isEmpty ? $0.enabled : names.contains($0.name) }
        var skipped: [(jail: String, reason: String)] = []
        selected.removeAll { config in
            guard config.backend.hasPrefix("systemd") else { return false }
            skipped.append((config.name, "reads the systemd journal (backend = \(config.backend)); failscan reads log files only, skipped"))
            return true
        }
        jails = selected
        self.skipped = skipped
        self.configDirectory = configDirectory
    }

    let configDirectory: String

    /// The jails, when there is one at least.
    /// - Throws: `ConfigError` when every jail was skipped or none is enabled.
    package func required() throws(ConfigError) -> [JailConfig] {
        guard !jails.isEmpty else { throw ConfigError(file: configDirectory, "no enabled jail") }
        return jails
    }
}
