import Foundation

/// One jail of a fail2ban configuration, with everything failscan needs to replay it.
public struct JailConfig: Sendable {
    public let name: String
    public let enabled: Bool
    /// The filter as fail2ban names it: `sshd[mode=aggressive]`.
    public let filter: String
    /// `logpath` patterns as written (globs allowed), one per line.
    public let logPatterns: [String]
    public let maxRetry: Int
    public let findTime: Int
    /// Seconds; -1 is forever.
    public let banTime: Int
    /// `ignoreip` networks, and names that would need DNS (not resolved offline).
    public let ignore: [CIDR]
    public let ignoreNames: [String]
    public let port: String
    public let `protocol`: String
    public let banAction: String
    public let backend: String
    /// `logtimezone`, if the jail sets one.
    public let logTimeZone: String?

    /// The log files: `logpath` globs expanded, each with its rotated siblings
    /// (`mail.log.1`, `mail.log.2.gz`, ...) unless `rotated` is false, oldest first.
    public func logFiles(rotated: Bool = true) -> [String] {
        var files: [String] = []
        for pattern in logPatterns {
            for path in Glob.expand(pattern) {
                let siblings = rotated ? Glob.expand(path + ".[0-9]*").filter { RotatedSet.rotation(of: $0).base == path } : []
                for file in RotatedSet.timeOrder([path] + siblings) where !files.contains(file) { files.append(file) }
            }
        }
        return files
    }
}

/// Reads jail.conf, jail.d/*.conf, jail.local and jail.d/*.local the way fail2ban does.
///
/// Corresponds to fail2ban's `client/jailsreader.py` and `jailreader.py`: `[DEFAULT]`
/// values are inherited, `%(name)s` interpolated (`%(__name__)s` is the jail's name),
/// times take units (`10m`, `1h`, `1d`).
public struct JailLoader: Sendable {
    public var configDirectory: String

    public init(configDirectory: String = "/etc/fail2ban") { self.configDirectory = configDirectory }

    /// Every jail section, enabled or not, in file order.
    /// - Throws: `ConfigError` naming the file, jail and option.
    public func load() throws(ConfigError) -> [JailConfig] {
        var stack = ConfigStack()
        let base = (configDirectory as NSString).appendingPathComponent("jail")
        let directory = base + ".d"
        let confs = Glob.expand(directory + "/*.conf").sorted()
        let locals = Glob.expand(directory + "/*.local").sorted()
        var any = false
        for (path, withLocal) in [(base + ".conf", false)] + confs.map { ($0, false) } + [(base + ".local", false)] + locals.map { ($0, false) } {
            guard FileManager.default.fileExists(atPath: path) else { continue }
            try stack.read(path, withLocal: withLocal)
            any = true
        }
        guard any else { throw ConfigError(file: base + ".conf", "no jail configuration found (jail.conf, jail.local, jail.d/)") }
        var jails: [JailConfig] = []
        for name in stack.sectionOrder where !["DEFAULT", "INCLUDES"].contains(name) && !name.hasPrefix("KNOWN/") && !name.contains("?") {
            jails.append(try jail(name, stack))
        }
        return jails
    }

    func jail(_ name: String, _ stack: ConfigStack) throws(ConfigError) -> JailConfig {
        let file = stack.files.last
        func value(_ key: String) throws(ConfigError) -> String? {
            do { return try stack.value(name, key) } catch {
                throw ConfigError(file: file, "[\(name)] \(key): \(error.reason)")
            }
        }
        func seconds(_ key: String, _ fallback: Int) throws(ConfigError) -> Int {
            guard let text = try value(key), !text.isEmpty else { return fallback }
            guard let seconds = Duration.seconds(text) else { throw ConfigError(file: file, "[\(name)] \(key) = \(text) is not a time (600, 10m, 1h, 1d)") }
            return seconds
        }
        let enabledText = (try value("enabled") ?? "false").lowercased()
        let enabled = ["true", "yes", "1", "on"].contains(enabledText)
        var maxRetry = 5
        if let text = try value("maxretry"), !text.isEmpty {
            guard let n = Int(text) else { throw ConfigError(file: file, "[\(name)] maxretry = \(text) is not a number") }
            maxRetry = n
        }
        var ignore: [CIDR] = []
        var names: [String] = []
        for entry in (try value("ignoreip") ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }) {
            let text = String(entry)
            if let cidr = CIDR(text) { ignore.append(cidr) } else { names.append(text) }
        }
        let logs = (try value("logpath") ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.replacingOccurrences(of: " skip-if-missing", with: "") }.filter { !$0.isEmpty }
        return JailConfig(
            name: name, enabled: enabled,
            filter: try value("filter") ?? name,
            logPatterns: logs,
            maxRetry: maxRetry,
            findTime: try seconds("findtime", 600),
            banTime: try seconds("bantime", 600),
            ignore: ignore, ignoreNames: names,
            port: try value("port") ?? "0:65535",
            protocol: try value("protocol") ?? "tcp",
            banAction: try value("banaction") ?? "iptables-multiport",
            backend: try value("backend") ?? "auto",
            logTimeZone: try value("logtimezone"))
    }
}

/// Shell-style globbing through glob(3).
enum Glob {
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
