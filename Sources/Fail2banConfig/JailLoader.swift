import Foundation
import LogSource

/// Reads jail.conf, jail.d/*.conf, jail.local and jail.d/*.local the way fail2ban does.
///
/// Corresponds to fail2ban's `client/jailsreader.py` and `jailreader.py`: `[DEFAULT]`
/// values are inherited, `%(name)s` interpolated (`%(__name__)s` is the jail's name),
/// times take units (`10m`, `1h`, `1d`).
package struct JailLoader: Sendable {
    package var configDirectory: String
    /// The system the configuration belongs to (`--root`), or nil for this one.
    package var root: FileRoot?

    package init(configDirectory: String = "/etc/fail2ban", root: FileRoot? = nil) {
        self.configDirectory = configDirectory
        self.root = root
    }

    /// Every jail section, enabled or not, in file order.
    /// - Throws: `ConfigError` naming the file, jail and option.
    package func load() throws(ConfigError) -> [JailConfig] {
        var stack = ConfigStack(root: root)
        let base = (configDirectory as NSString).appendingPathComponent("jail")
        let directory = stack.real(base + ".d")
        let confs = Self.files(in: directory, ending: ".conf")
        let locals = Self.files(in: directory, ending: ".local")
        var any = false
        for path in [base + ".conf"] + confs + [base + ".local"] + locals {
            guard FileManager.default.fileExists(atPath: stack.real(path)) else { continue }
            try stack.read(path, withLocal: false)
            any = true
        }
        guard any else { throw ConfigError(file: base + ".conf", "no jail configuration found (jail.conf, jail.local, jail.d/)") }
        var jails: [JailConfig] = []
        for name in stack.sectionOrder where !["DEFAULT", "INCLUDES"].contains(name) && !name.hasPrefix("KNOWN/") && !name.contains("?") {
            jails.append(try jail(name, stack))
        }
        return jails
    }

    /// `directory/*ending`, sorted as fail2ban's glob is.
    static func files(in directory: String, ending: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(ending) && !$0.hasPrefix(".") }.sorted().map { directory + "/" + $0 }
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
            guard let seconds = Duration.seconds(text) else {
                throw ConfigError(file: file, "[\(name)] \(key) = \(text) is not a time (600, 10m, 1h, 1d; at most 100 years)")
            }
            guard key != "findtime" || seconds >= 0 else { throw ConfigError(file: file, "[\(name)] findtime = \(text) is negative") }
            return seconds
        }
        let enabledText = (try value("enabled") ?? "false").lowercased()
        let enabled = ["true", "yes", "1", "on"].contains(enabledText)
        // Python's getboolean, as fail2ban's jail reader reads its booleans.
        func boolean(_ key: String, _ fallback: Bool) throws(ConfigError) -> Bool {
            guard let text = try value(key), !IniFile.stripped(text).isEmpty else { return fallback }
            switch IniFile.stripped(text).lowercased() {
            case "1", "yes", "true", "on": return true
            case "0", "no", "false", "off": return false
            default: throw ConfigError(file: file, "[\(name)] \(key) = \(text) is not a boolean (true, false, yes, no, on, off, 1, 0)")
            }
        }
        let ignoreSelf = try boolean("ignoreself", true)
        var increment: BanTimeIncrement? = nil
        if try boolean("bantime.increment", false) {
            var settings = BanTimeIncrement()
            if let text = try value("bantime.factor"), !IniFile.stripped(text).isEmpty {
                guard let factor = Double(IniFile.stripped(text)), factor > 0 else {
                    throw ConfigError(file: file, "[\(name)] bantime.factor = \(text) is not a positive number")
                }
                settings.factor = factor
            }
            if let text = try value("bantime.formula"), !IniFile.stripped(text).isEmpty {
                guard let formula = BanTimeIncrement.formula(text) else {
                    throw ConfigError(
                        file: file,
                        "[\(name)] bantime.formula = \(text): failscan knows the two formulas jail.conf documents (the default and the math.exp one), not other Python expressions"
                    )
                }
                settings.formula = formula
            }
            if let text = try value("bantime.multipliers"), !IniFile.stripped(text).isEmpty {
                let numbers = IniFile.stripped(text).split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Double($0) }
                guard numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else {
                    throw ConfigError(file: file, "[\(name)] bantime.multipliers = \(text) is not a list of numbers")
                }
                settings.multipliers = numbers.map { $0! }
            }
            for (key, path) in [("bantime.maxtime", \BanTimeIncrement.maxTime), ("bantime.rndtime", \BanTimeIncrement.rndTime)] {
                if let text = try value(key), !IniFile.stripped(text).isEmpty {
                    guard let seconds = Duration.seconds(text), seconds >= 0 else {
                        throw ConfigError(file: file, "[\(name)] \(key) = \(text) is not a time")
                    }
                    settings[keyPath: path] = seconds
                }
            }
            settings.overallJails = try boolean("bantime.overalljails", false)
            increment = settings
        }
        var maxRetry = 5
        if let text = try value("maxretry"), !text.isEmpty {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), (1...JailConfig.maxRetryLimit).contains(n) else {
                throw ConfigError(file: file, "[\(name)] maxretry = \(text) is not a number from 1 to \(JailConfig.maxRetryLimit)")
            }
            maxRetry = n
        }
        var useDNS = UseDNS.warn
        if let text = try value("usedns"), !IniFile.stripped(text).isEmpty {
            guard let mode = UseDNS(config: IniFile.stripped(text)) else {
                throw ConfigError(file: file, "[\(name)] usedns = \(text) is not yes, warn, no or raw")
            }
            useDNS = mode
        }
        let ignore = (try value("ignoreip") ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" })
            .map(String.init)
        let logs = (try value("logpath") ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.replacingOccurrences(of: " skip-if-missing", with: "") }.filter { !$0.isEmpty }
        return JailConfig(
            name: name, enabled: enabled,
            filter: try value("filter") ?? name,
            logPatterns: logs,
            maxRetry: maxRetry,
            findTime: try seconds("findtime", 600),
            banTime: try seconds("bantime", 600),
            ignoreIP: ignore,
            ignoreSelf: ignoreSelf,
            useDNS: useDNS,
            banTimeIncrement: increment,
            port: try value("port") ?? "0:65535",
            protocol: try value("protocol") ?? "tcp",
            banAction: try value("banaction") ?? "iptables-multiport",
            backend: try value("backend") ?? "auto",
            logTimeZone: try value("logtimezone"),
            successRegex: try value("successregex").map { FilterLoader.lines($0) })
    }
}
