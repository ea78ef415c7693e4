import Fail2banConfig
import Foundation
import Matcher

/// One way of finding a date in a line: a PCRE2 regex whose group 1 (or 2) is the date
/// text fail2ban cuts out, and how to turn its groups into time.
///
/// Corresponds to fail2ban's `server/datetemplate.py` (`DateTemplate.setRegex`,
/// `DatePatternRegex`, `DateEpoch`, `DateTai64n`) and `datedetector.py
/// _getPatternTemplate`; the regex transformations are fail2ban's, ported.
package struct DateTemplate: Sendable {
    package enum Kind: Sendable {
        /// strptime-style fields in named groups.
        case pattern
        /// Unix seconds (or milli/microseconds in the long form) in group `group`.
        case epoch(long: Bool, group: Int)
        /// `@` and 24 hex digits.
        case tai64n
    }

    package let name: String
    package private(set) var regex: PCRE2Regex
    package let kind: Kind
    /// Anchored at line start (`{^LN-BEG}`, `^`): such a match wins at once.
    package let lineBegin: Bool
    /// Whether the date text is bounded at both ends (fail2ban's word boundaries, or
    /// the template's own anchors): false for `{UNB}` and `**` patterns.
    package let bounded: Bool
    /// Group numbers of the strptime fields, looked up once (not by name for every line).
    let fields: DateFieldGroups

    /// This template with its regex JIT-compiled (the same pattern), when it was not.
    var jitCompiled: DateTemplate {
        guard !regex.isJITCompiled, let compiled = try? PCRE2Regex(regex.pattern, options: .init(jit: .required)) else { return self }
        var copy = self
        copy.regex = compiled
        return copy
    }

    // Meta-regexes of datetemplate.py, applied to a template's regex text.
    static let noWordBoundBegin = try! PCRE2Regex(#"^\(*(?:\(\?\w+\))?(?:\^|\(*\*\*|\((?:\?:)?\^)"#, options: .init(jit: .off))
    static let noWordBoundEnd = try! PCRE2Regex(#"(?<!\\)(?:\$\)?|\\b|\\s|\*\*\)*)$"#, options: .init(jit: .off))
    static let grouped = try! PCRE2Regex(#"(?<!\(\?)(?<!\\)\((?!\?)"#, options: .init(jit: .off))
    static let groupSplit = try! PCRE2Regex(#"^((?:\(\?\w+\))?\^?(?:\(\?\w+\))?)(.*?)(\$?)$"#, options: .init(jit: .off))
    static let lineBoundBegin = try! PCRE2Regex(#"^(?:\(\?\w+\))?(?:\^|\((?:\?:)?\^(?!\|))"#, options: .init(jit: .off))
    static let globalFlags = try! PCRE2Regex(#"((?:^|(?!<\\))\(\?[a-z]+\))"#, options: .init(jit: .off))

    /// Builds the template fail2ban builds for a `datepattern` line (or a default one).
    /// - Throws: `ConfigError` when the resulting regex does not compile.
    /// - Parameter jit: JIT-compile the regex (worth it unless the byte parser of the
    ///   common dates answers first and the regex is a rare fallback).
    package static func make(_ pattern: String, jit: Bool = true) throws(ConfigError) -> DateTemplate {
        var key = pattern
        if !pattern.contains("%") { key = pattern.uppercased() }
        if key.contains("EPOCH") {
            if pattern.contains("{EPOCH}") || pattern.contains("{LEPOCH}") {
                let long = key.contains("LEPOCH")
                let epoch = "(" + epochRegex(long: long) + ")"
                var inner = pattern.replacingOccurrences(of: "{LEPOCH}", with: epoch)
                inner = inner.replacingOccurrences(of: "{EPOCH}", with: epoch)
                return try build(
                    name: pattern, regex: "(" + inner + ")", wordBegin: .word, wordEnd: true, kind: .epoch(long: long, group: 2), jit: jit)
            }
            for (names, long) in [(["EPOCH", "{^LN-BEG}EPOCH", "^EPOCH"], false), (["LEPOCH", "{^LN-BEG}LEPOCH", "^LEPOCH"], true)]
            where names.contains(key) {
                let epoch = epochRegex(long: long)
                if key == names[0] {
                    return try build(
                        name: key,
                        regex: #"((?:^|(?P<square>(?<=^\[))|(?P<selinux>(?<=\baudit\()))"# + epoch
                            + #")(?:(?(selinux)(?=:\d+\)))|(?(square)(?=\])))"#,
                        wordBegin: .none, wordEnd: true, kind: .epoch(long: long, group: 1), jit: jit)
                }
                return try build(
                    name: key, regex: #"((?P<square>(?<=^\[))?"# + epoch + #")(?(square)(?=\]))"#,
                    wordBegin: .lineStart, wordEnd: true, kind: .epoch(long: long, group: 1), jit: jit)
            }
        }
        if ["TAI64N", "{^LN-BEG}TAI64N", "^TAI64N"].contains(key) {
            return try build(
                name: key, regex: "@[0-9a-f]{24}", wordBegin: key == "TAI64N" ? .none : .lineStart, wordEnd: true, kind: .tai64n, jit: jit)
        }
        // DatePatternRegex.setRegex
        var text = pattern
        var wordBegin = WordBegin.word
        var wordEnd = true
        if text.hasPrefix("{UNB}") {
            text = String(text.dropFirst(5))
            wordBegin = .none
            wordEnd = false
        }
        if wordBegin != .none, text.hasPrefix("{^LN-BEG}") {
            text = String(text.dropFirst(9))
            wordBegin = .lineStart
        }
        let (expanded, caseless) = try TimePatterns.expand(text)
        return try build(
            name: pattern, regex: (caseless ? "(?i)" : "") + expanded, wordBegin: wordBegin, wordEnd: wordEnd, kind: .pattern, jit: jit)
    }

    static func epochRegex(long: Bool) -> String {
        long ? #"\d{10,11}(?:\d{3}(?:\.\d{1,6}|\d{3})?)?"# : #"\d{10,11}\b(?:\.\d{3,6})?"#
    }

    enum WordBegin { case none, word, lineStart }

    /// fail2ban's `DateTemplate.setRegex`.
    static func build(name: String, regex source: String, wordBegin: WordBegin, wordEnd: Bool, kind: Kind, jit: Bool) throws(ConfigError)
        -> DateTemplate
    {
        var regex = source.trimmingSpaces
        var flags = ""
        if let range = firstMatch(globalFlags, regex) {
            flags = regex.bytesSubstring(range)
            regex = regex.removingBytes(range)
        }
        let boundBegin = wordBegin != .none && firstMatch(noWordBoundBegin, regex) == nil
        let boundEnd = wordEnd && firstMatch(noWordBoundEnd, regex) == nil
        if firstMatch(grouped, regex) == nil, let parts = groups(groupSplit, regex, count: 3) {
            regex = parts[0] + "(" + parts[1] + ")" + parts[2]
        }
        var lineBegin = false
        if boundBegin {
            if wordBegin == .lineStart {
                regex = #"^(?:\W{0,2})?"# + regex
                lineBegin = true
            } else {
                regex = #"(?=^|\b|\W)"# + regex
            }
        }
        if boundEnd { regex += #"(?=\b|\W|$)"# }
        if !lineBegin, firstMatch(lineBoundBegin, regex) != nil { lineBegin = true }
        // RE_DEL_WRD_BOUNDS: drop the "**" markers at either end.
        regex = removeStarMarkers(regex)
        regex = flags + regex
        let compiled: PCRE2Regex
        do {
            compiled = try PCRE2Regex(Fail2banDialect().translatePythonSpellings(regex), options: .init(jit: jit ? .required : .off))
        } catch {
            throw ConfigError("datepattern \(name) does not compile: \(error)")
        }
        let isBounded =
            (boundBegin || lineBegin || wordBegin == .none)
            && (boundEnd || !wordEnd || firstMatch(noWordBoundEnd, source.trimmingSpaces) != nil)
            && !source.contains("**") && wordEnd
        return DateTemplate(
            name: name, regex: compiled, kind: kind, lineBegin: lineBegin, bounded: isBounded,
            fields: DateFieldGroups(compiled.groupNumbers))
    }

    /// The name fail2ban gives this template (what fail2ban-regex prints under "Date
    /// template hits"): `%`-codes spelled out (`%b` MON, `%ExY` ExYear, `%k` as is), the
    /// epoch templates as `Epoch` and `LongEpoch`, line-start ones `{^LN-BEG}Epoch`.
    package var fail2banName: String {
        let key = name.uppercased()
        // A line-start epoch or TAI64N template is "{^LN-BEG}…" however it was spelled.
        for (plain, spelled) in [("EPOCH", "Epoch"), ("LEPOCH", "LongEpoch"), ("TAI64N", "TAI64N")] {
            if key == plain { return spelled }
            if key == "^" + plain || key == "{^LN-BEG}" + plain { return "{^LN-BEG}" + spelled }
        }
        guard case .pattern = kind else { return name }
        return Self.spellOut(name)
    }

    /// fail2ban's `getTimePatternRE` names: `%X` becomes the code's name, `%ExX` "Ex" and the
    /// name of `%X`; codes without a name stay as written.
    static func spellOut(_ pattern: String) -> String {
        let names: [Character: String] = [
            "a": "DAY", "A": "DAYNAME", "b": "MON", "B": "MONTH", "d": "Day", "H": "24hour", "I": "12hour", "j": "Yearday",
            "m": "Month", "M": "Minute", "p": "AMPM", "S": "Second", "U": "Yearweek", "w": "Weekday", "W": "Yearweek",
            "y": "Year2", "Y": "Year", "%": "%", "z": "Zone offset", "f": "Microseconds", "Z": "Zone name",
        ]
        let codes = Set("ABGHIMSUVWXYZabcdfjklmpuwxyz%")
        let extended = Set("HMSYZdklmyz")
        let text = Array(pattern)
        var out = ""
        var i = 0
        while i < text.count {
            guard text[i] == "%", i + 1 < text.count else {
                out.append(text[i])
                i += 1
                continue
            }
            if i + 3 < text.count, text[i + 1] == "E", text[i + 2] == "x", extended.contains(text[i + 3]) {
                let code = text[i + 3]
                out += names[code].map { "Ex" + $0 } ?? "%Ex\(code)"
                i += 4
            } else if codes.contains(text[i + 1]) {
                out += names[text[i + 1]] ?? "%\(text[i + 1])"
                i += 2
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    static let starMarkersBegin = try! PCRE2Regex(#"^\(*(?:\(\?\w+\))?\(*\*\*"#, options: .init(jit: .off))
    static let starMarkersEnd = try! PCRE2Regex(#"(?<!\\)\*\*\)*$"#, options: .init(jit: .off))

    static func removeStarMarkers(_ regex: String) -> String {
        var text = regex
        if let range = firstMatch(starMarkersBegin, text) {
            text = text.replacingBytes(range, with: text.bytesSubstring(range).replacingOccurrences(of: "**", with: ""))
        }
        if let range = firstMatch(starMarkersEnd, text) {
            text = text.replacingBytes(range, with: text.bytesSubstring(range).replacingOccurrences(of: "**", with: ""))
        }
        return text
    }

    static func firstMatch(_ regex: PCRE2Regex, _ text: String) -> Range<Int>? {
        let scratch = PCRE2Scratch(captureCount: regex.captureCount)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Range<Int>? in
            // SAFETY: an empty buffer may have no base address; PCRE2 reads no byte of a
            // subject of length 0, so any non-null pointer stands for it (never dereferenced).
            guard let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1) else { return nil }
            guard (try? regex.search(base, length: buffer.count, scratch: scratch)) == true else { return nil }
            return scratch.range(ofGroup: 0)
        }
    }

    static func groups(_ regex: PCRE2Regex, _ text: String, count: Int) -> [String]? {
        let scratch = PCRE2Scratch(captureCount: regex.captureCount)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> [String]? in
            // SAFETY: an empty buffer may have no base address; PCRE2 reads no byte of a
            // subject of length 0, so any non-null pointer stands for it (never dereferenced).
            guard let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1) else { return nil }
            guard (try? regex.search(base, length: buffer.count, scratch: scratch)) == true else { return nil }
            return (1...count).map { group in
                scratch.range(ofGroup: group).map { String(decoding: buffer[$0], as: UTF8.self) } ?? ""
            }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s = s.dropLast() }
        return String(s)
    }
    func bytesSubstring(_ range: Range<Int>) -> String { String(decoding: Array(utf8)[range], as: UTF8.self) }
    func removingBytes(_ range: Range<Int>) -> String { replacingBytes(range, with: "") }
    func replacingBytes(_ range: Range<Int>, with replacement: String) -> String {
        var bytes = Array(utf8)
        bytes.replaceSubrange(range, with: Array(replacement.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }
}
