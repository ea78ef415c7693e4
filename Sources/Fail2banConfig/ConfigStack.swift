import Foundation
import LogSource

/// Configuration files merged in fail2ban's include order, with `%(name)s` interpolation.
///
/// Corresponds to fail2ban's `client/configparserinc.py`: a file's `[INCLUDES] before`
/// files come first, then the file, then its `after` files; each `X.conf` is followed by
/// `X.local` when it exists; later values override earlier ones section by section.
/// Includes are resolved beside the including file; failscan additionally falls back to
/// the configuration root's `filter.d/` so that a filter kept outside /etc/fail2ban can
/// still include `common.conf` from there.
package struct ConfigStack: Sendable {
    /// Merged sections, by name.
    package private(set) var sections: [String: [String: String]] = [:]
    /// Section names in first-seen order.
    package private(set) var sectionOrder: [String] = []
    /// The files read, in order.
    package private(set) var files: [String] = []
    /// Includes that were named but not found (fail2ban skips them silently).
    package private(set) var missingIncludes: [String] = []
    /// The system the configuration belongs to (`--root`): its files' links and absolute
    /// includes resolve inside it.
    package var root: FileRoot?

    package init(root: FileRoot? = nil) { self.root = root }

    /// `path` with its links resolved: inside the root when it lies under it, else as the
    /// host resolves it.
    func real(_ path: String) -> String {
        if let root, root.directory.isEmpty || path.hasPrefix(root.directory + "/") { return root.contain(path) }
        return (path as NSString).resolvingSymlinksInPath
    }

    /// Reads `path` with its includes and `.local` override.
    /// - Parameter fallbackDirectories: where to look for an include not found beside its includer.
    package mutating func read(_ path: String, fallbackDirectories: [String] = [], withLocal: Bool = true) throws(ConfigError) {
        var order: [String] = []
        try collect(path, fallback: fallbackDirectories, seen: [], withLocal: withLocal, into: &order)
        for file in order {
            let ini = try IniFile(path: file)
            files.append(file)
            for section in ini.sections {
                if sections[section.name] == nil {
                    sections[section.name] = [:]
                    sectionOrder.append(section.name)
                }
                // fail2ban keeps the values a later file overrides in "KNOWN/<section>",
                // for `%(known/name)s` in the overriding file.
                for (key, value) in section.options {
                    if let previous = sections[section.name]![key] { sections["KNOWN/" + section.name, default: [:]][key] = previous }
                    sections[section.name]![key] = value
                }
            }
        }
    }

    private mutating func collect(_ path: String, fallback: [String], seen: [String], withLocal: Bool = true, into order: inout [String])
        throws(ConfigError)
    {
        var variants = [path]
        if withLocal, path.hasSuffix(".conf") {
            let local = String(path.dropLast(5)) + ".local"
            if FileManager.default.fileExists(atPath: real(local)) { variants.append(local) }
        }
        for variant in variants {
            let file = real(variant)
            let ini = try IniFile(path: file)
            let directory = (file as NSString).deletingLastPathComponent
            var before: [String] = [], after: [String] = []
            if let includes = ini.section("INCLUDES") {
                before = Self.splitList(includes["before"])
                after = Self.splitList(includes["after"])
            }
            for include in before {
                try resolveInclude(include, directory: directory, fallback: fallback, seen: seen + [file], into: &order)
            }
            order.append(file)
            for include in after {
                try resolveInclude(include, directory: directory, fallback: fallback, seen: seen + [file], into: &order)
            }
        }
    }

    private mutating func resolveInclude(_ name: String, directory: String, fallback: [String], seen: [String], into order: inout [String])
        throws(ConfigError)
    {
        // An absolute include names a file of the configuration's system: under the root.
        let candidates =
            name.hasPrefix("/")
            ? [root?.resolve(name) ?? name] : ([directory] + fallback).map { real(($0 as NSString).appendingPathComponent(name)) }
        guard !name.contains("\0") else { throw ConfigError(file: directory, "include \(name.debugDescription) holds a NUL byte") }
        guard seen.count < 32 else { throw ConfigError(file: seen.last, "includes nest deeper than 32 files (a loop?) at \(name)") }
        guard let candidate = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            // fail2ban ignores a missing include (common.local is usually absent).
            if !name.hasSuffix(".local") { missingIncludes.append(name) }
            return
        }
        // The same file under another spelling (./x.conf, a link) is the same include.
        let found = real(candidate)
        if seen.contains(found) || seen.contains(candidate) { return }
        try collect(found, fallback: fallback, seen: seen, into: &order)
    }

    static func splitList(_ value: String?) -> [String] {
        (value ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The raw (uninterpolated) value of `section/key`, falling back to `[DEFAULT]`.
    package func raw(_ section: String, _ key: String) -> String? {
        sections[section]?[key] ?? sections["DEFAULT"]?[key]
    }

    /// The value of `key` in `section`, `%(name)s`-interpolated like Python's
    /// `BasicInterpolation` with fail2ban's `%(section/name)s` extension.
    /// - Parameter vars: values that take precedence (filter arguments).
    /// - Returns: nil when the option does not exist.
    /// - Throws: `ConfigError` on a missing reference or a loop.
    package func value(_ section: String, _ key: String, vars: [String: String] = [:]) throws(ConfigError) -> String? {
        if let slash = key.firstIndex(of: "/") {
            // fail2ban's get_ex: `known/x` is the value a later file overrode (else the
            // section's own), `default/x` the [DEFAULT] one, `sec/x` that section's.
            let sec = String(key[..<slash]), opt = String(key[key.index(after: slash)...]).lowercased()
            switch sec.lowercased() {
            case "known":
                if let raw = sections["KNOWN/" + section]?[opt] {
                    return try interpolate(raw, section: section, vars: vars, depth: 0, option: key)
                }
                return try value(section, opt, vars: vars)
            case "default":
                return try sections["DEFAULT"]?[opt].map { raw throws(ConfigError) in
                    try interpolate(raw, section: "DEFAULT", vars: [:], depth: 0, option: key)
                }
            default:
                guard sections[sec] != nil, sections[sec]?[opt] != nil || sections["DEFAULT"]?[opt] != nil else { return nil }
                return try value(sec, opt, vars: [:])
            }
        }
        let key = key.lowercased()
        guard let raw = vars[key] ?? sections[section]?[key] ?? sections["DEFAULT"]?[key] else { return nil }
        return try interpolate(raw, section: section, vars: vars, depth: 0, option: key)
    }

    /// The largest value an option may expand to (`%(x)s` and `<tag>` substitution): a
    /// value that doubles at every level would otherwise grow to gigabytes.
    package static let expansionLimit = 1 << 20

    func interpolate(_ raw: String, section: String, vars: [String: String], depth: Int, option: String) throws(ConfigError) -> String {
        guard raw.contains("%") else { return raw }
        guard depth < 10 else { throw ConfigError(file: files.last, "interpolation too deep (a loop?) in [\(section)] \(option)") }
        var out = ""
        var rest = Substring(raw)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if after.hasPrefix("%") {
                out += "%"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")"),
                after[after.index(after: close)...].hasPrefix("s")
            {
                let name = after[after.index(after: after.startIndex)..<close].lowercased()
                rest = after[after.index(close, offsetBy: 2)...]
                var replacement: String?
                if name == "__name__" {
                    replacement = section
                } else if let slash = name.firstIndex(of: "/") {
                    // fail2ban's _map_section_options: the raw value of known/, default/ or
                    // another section's option, interpolated here, in this section.
                    let sec = name[..<slash].lowercased(), opt = String(name[name.index(after: slash)...])
                    var raw: String?
                    switch sec {
                    case "known": raw = sections["KNOWN/" + section]?[opt] ?? sections["DEFAULT"]?[opt]
                    case "default": raw = sections["DEFAULT"]?[opt]
                    default:
                        raw =
                            sections.first { $0.key.lowercased() == sec && !$0.key.hasPrefix("KNOWN/") }?.value[opt]
                            ?? sections["DEFAULT"]?[opt]
                    }
                    if let raw { replacement = try interpolate(raw, section: section, vars: vars, depth: depth + 1, option: name) }
                } else if let v = vars[name] ?? sections[section]?[name] ?? sections["DEFAULT"]?[name] {
                    replacement = try interpolate(v, section: section, vars: vars, depth: depth + 1, option: name)
                }
                guard let replacement else {
                    throw ConfigError(file: files.last, "[\(section)] \(option) refers to %(\(name))s, which is not defined")
                }
                out += replacement
                guard out.utf8.count <= Self.expansionLimit else {
                    throw ConfigError(file: files.last, "[\(section)] \(option) expands beyond \(Self.expansionLimit >> 20) MiB")
                }
            } else {
                throw ConfigError(file: files.last, "[\(section)] \(option): '%' must be followed by '%' or '(name)s'")
            }
        }
        out += rest
        return out
    }
}
