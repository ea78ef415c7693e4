import Foundation
import LogSource
import Matcher

/// Reads fail2ban filter files.
///
/// Corresponds to fail2ban's `client/filterreader.py` and `configreader.py`
/// (`DefinitionInitConfigReader.getCombined`) and `helpers.py substituteRecursiveTags`.
package struct FilterLoader: Sendable {
    /// The fail2ban configuration root (`/etc/fail2ban` by default).
    package var configDirectory: String
    /// The system the configuration belongs to (`--root`), or nil for this one.
    package var root: FileRoot?

    package init(configDirectory: String = "/etc/fail2ban", root: FileRoot? = nil) {
        self.configDirectory = configDirectory
        self.root = root
    }

    /// The options of `[Definition]` that fail2ban's FilterReader reads, and failscan's own
    /// `successregex` (for `failscan tune`; fail2ban ignores it).
    static let filterOptions = [
        "usedns", "prefregex", "ignoreregex", "failregex", "maxlines", "datepattern", "journalmatch", "successregex",
    ]

    /// Loads a filter given as a path to a `.conf` file or as a name (`sshd`,
    /// `dovecot[mode=aggressive]`) looked up in `filter.d` of the configuration root.
    /// - Parameter defaults: filter arguments that apply unless the spec names them
    ///   (`failscan regex --log-type journal`: `logtype=journal`).
    /// - Throws: `ConfigError` naming the file and the reason.
    package func load(_ spec: String, defaults: [String: String] = [:]) throws(ConfigError) -> FilterConfig {
        var (base, arguments) = try Self.splitArguments(spec)
        for (key, value) in defaults where arguments[key] == nil { arguments[key] = value }
        let path: String
        var stack = ConfigStack(root: root)
        if FileManager.default.fileExists(atPath: base) {
            path = base
        } else {
            let candidate = (configDirectory as NSString).appendingPathComponent("filter.d/\(base).conf")
            guard FileManager.default.fileExists(atPath: stack.real(candidate)) else {
                throw ConfigError(file: base, "no such filter file (nor \(candidate))")
            }
            path = candidate
        }
        let filterDirectory = (configDirectory as NSString).appendingPathComponent("filter.d")
        try stack.read(path, fallbackDirectories: [filterDirectory])
        guard stack.sections["Definition"] != nil else {
            throw ConfigError(file: path, "no [Definition] section")
        }
        // Init options ([Init] section, then the filter arguments), as fail2ban merges them.
        var initOptions: [String: String] = [:]
        if let initSection = stack.sections["Init"] {
            for key in initSection.keys {
                if let v = try stack.value("Init", key) { initOptions[key] = v }
            }
        }
        for (key, value) in arguments { initOptions[key] = value }

        var options: [String: String] = [:]
        for key in Self.filterOptions {
            if let v = try stack.value("Definition", key, vars: arguments) { options[key] = v }
        }
        for (key, value) in initOptions { options[key] = value }
        let combined = try Self.substituteTags(options, file: path) { tag throws(ConfigError) in
            try stack.value("Definition", tag, vars: arguments)
        }

        let failregex = Self.lines(combined["failregex"])
        guard !failregex.isEmpty else { throw ConfigError(file: path, "the filter has no failregex") }
        var maxLines = 1
        if let text = combined["maxlines"], !text.isEmpty {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw ConfigError(file: path, "maxlines must be a positive integer, not \(text)")
            }
            maxLines = value
        }
        let useDNS = (combined["usedns"] ?? "warn").lowercased() != "no"
        let prefregex = combined["prefregex"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var notes = stack.missingIncludes.map { "include \($0) named by \(path) was not found" }
        if combined["failregex"]?.contains("%(") == true { notes.append("unresolved interpolation in failregex") }
        return FilterConfig(
            name: name,
            patterns: FilterPatterns(
                prefregex: prefregex, failregex: failregex,
                ignoreregex: Self.lines(combined["ignoreregex"]), useDNS: useDNS),
            datePatterns: Self.lines(combined["datepattern"]),
            maxLines: maxLines, files: stack.files, notes: notes,
            successRegex: combined["successregex"].map { Self.lines($0) }, journalMatch: Self.lines(combined["journalmatch"]))
    }

    /// fail2ban splits multi-line regex options on `\n` and drops empty entries.
    static func lines(_ value: String?) -> [String] {
        (value ?? "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init).filter { !$0.isEmpty }
    }

    /// Splits `name[key=value, key2="a, b"]` into the name and its arguments.
    package static func splitArguments(_ spec: String) throws(ConfigError) -> (String, [String: String]) {
        guard spec.hasSuffix("]"), let open = spec.firstIndex(of: "["), !FileManager.default.fileExists(atPath: spec) else {
            return (spec, [:])
        }
        let name = String(spec[..<open])
        let body = spec[spec.index(after: open)..<spec.index(before: spec.endIndex)]
        var arguments: [String: String] = [:]
        var key = "", value = "", inValue = false, quote: Character? = nil
        func commit() throws(ConfigError) {
            let k = key.trimmingCharacters(in: .whitespaces).lowercased()
            guard !k.isEmpty else {
                if !value.trimmingCharacters(in: .whitespaces).isEmpty { throw ConfigError(file: spec, "filter argument without a name") }
                return
            }
            arguments[k] = value.trimmingCharacters(in: .whitespaces)
            key = ""
            value = ""
            inValue = false
        }
        for c in body {
            if let q = quote {
                if c == q { quote = nil } else { value.append(c) }
            } else if inValue, c == "\"" || c == "'" {
                quote = c
            } else if c == "," {
                try commit()
            } else if c == "=" && !inValue {
                inValue = true
            } else if inValue {
                value.append(c)
            } else {
                key.append(c)
            }
        }
        try commit()
        return (name, arguments)
    }

    /// fail2ban's `substituteRecursiveTags`: replaces `<tag>` with the value of that tag
    /// (from `tags`, else from `lookup`), innermost first, repeatedly, so that
    /// `<lt_<logtype>/__prefix_line>` resolves. Unknown tags (`<HOST>`) stay.
    static func substituteTags(
        _ input: [String: String], file: String,
        lookup: (String) throws(ConfigError) -> String?
    ) throws(ConfigError) -> [String: String] {
        var tags = input
        for key in input.keys.sorted() {
            var value = tags[key]!
            var replacements: [String: Int] = [:]
            // Passes repeat while something changed, as fail2ban's outer loop does, so a
            // tag assembled by an inner replacement (<lt_<logtype>/x>) is seen next pass.
            var changed = true
            while changed {
                changed = false
                var searchFrom = value.startIndex
                while let (range, name) = Self.nextTag(in: value, from: searchFrom) {
                    if name == key || replacements[name, default: 0] > 50 {
                        throw ConfigError(file: file, "the tag <\(name)> refers to itself in \(key)")
                    }
                    var replacement = tags[name]
                    if replacement == nil { replacement = try lookup(name) }
                    guard let replacement else {
                        searchFrom = range.upperBound
                        continue
                    }
                    let start = value.utf8.distance(from: value.startIndex, to: range.lowerBound)
                    value = Self.replacingEvery("<\(name)>", in: value, with: replacement)
                    guard value.utf8.count <= ConfigStack.expansionLimit else {
                        throw ConfigError(file: file, "\(key) expands beyond \(ConfigStack.expansionLimit >> 20) MiB (<\(name)> repeated)")
                    }
                    replacements[name, default: 0] += 1
                    changed = true
                    searchFrom = value.utf8.index(value.startIndex, offsetBy: min(start, value.utf8.count))
                }
            }
            tags[key] = value
        }
        return tags
    }

    /// Python's `str.replace`: every occurrence of `target` in `text`, left to right and
    /// not overlapping, replaced by `replacement`, over UTF-8 bytes (Foundation's
    /// `replacingOccurrences` cost half a million instructions a call: 12.8 million of
    /// sshd's start-up).
    static func replacingEvery(_ target: String, in text: String, with replacement: String) -> String {
        let t = Array(target.utf8)
        let s = Array(text.utf8)
        guard let first = t.first, t.count <= s.count else { return text }
        let r = Array(replacement.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count + r.count)
        var i = 0
        while i < s.count {
            if s[i] == first, i + t.count <= s.count, s[i..<(i + t.count)].elementsEqual(t) {
                out += r
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The next `<name>` (fail2ban's `TAG_CRE`: `<([^ <>]+)>`) at or after `from`.
    static func nextTag(in value: String, from: String.Index) -> (Range<String.Index>, String)? {
        // Over UTF-8 (the delimiters are ASCII, as in Python's code points); by Character
        // (grapheme breaking), the substitution took 9.6M instructions of sshd's start-up,
        // 3.7M now (callgrind).
        let bytes = value.utf8
        var index = from
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            let nameStart = bytes.index(after: open)
            var cursor = nameStart
            while cursor < bytes.endIndex, bytes[cursor] != UInt8(ascii: "<"), bytes[cursor] != UInt8(ascii: ">"), bytes[cursor] != 32 {
                cursor = bytes.index(after: cursor)
            }
            if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: ">"), cursor > nameStart {
                return (open..<bytes.index(after: cursor), String(value[nameStart..<cursor]))
            }
            index = cursor < bytes.endIndex && bytes[cursor] == UInt8(ascii: "<") ? cursor : nameStart
        }
        return nil
    }
}
