/// A compiled failregex (or prefregex) with the group numbers fail2ban reads.
struct CompiledFilterRegex: Sendable {
    let regex: PCRE2Regex
    let original: String
    /// (kind, group number) in fail2ban's order: ip4, ip6, dns, host, fid.
    let idGroups: [(FailureIDKind, Int)]
    /// Named groups other than `content`, sorted by name.
    let fieldGroups: [(name: String, number: Int)]
    let contentGroup: Int?
    /// The `<SKIPLINES>` groups, in order.
    let skipLineGroups: [Int]
    /// (slot of the filter's ``FieldLayout``, group number) of the named groups; set when
    /// the filter's layout is known.
    var fieldSlots: [(slot: Int, group: Int)] = []
    /// For a pattern ending `(?P<content>.+)$` (fail2ban's `<F-CONTENT>.+</F-CONTENT>$`, the
    /// end of most stock prefregexes), compiled when asked for single lines: the same
    /// pattern ending `(?P<content>(?=.))`. On a subject with no `\n` but a last one, both
    /// match on the same path (`.+$` there holds exactly where one byte that is not `\n`
    /// follows), with the same groups but `content`, which then runs to the line's end
    /// (``contentEnd(_:)``): PCRE2 no longer steps through the content byte by byte, about
    /// half of sshd's prefregex (callgrind: 926 -> 473 instructions a line).
    let lineRegex: PCRE2Regex?

    /// - Parameter lines: also compile ``lineRegex`` when the pattern allows it (the
    ///   subjects are single lines: `maxlines` 1).
    init(
        _ original: String, role: String, dialect: Fail2banDialect, options: PCRE2Regex.Options,
        lines: Bool = false, notes: inout [String]
    ) throws(PatternError) {
        let translation = try dialect.translate(original)
        notes.append(contentsOf: translation.notes)
        let pattern = options.utf ? dialect.unicodeTextVariant(translation.pattern) : translation.pattern
        do { regex = try PCRE2Regex(pattern, options: options) } catch {
            throw .compile(role: role, original: original, translated: pattern, error: error)
        }
        if lines, let linePattern = Self.lineContentPattern(pattern) {
            do { lineRegex = try PCRE2Regex(linePattern, options: options) } catch {
                throw .compile(role: role, original: original, translated: linePattern, error: error)
            }
        } else {
            lineRegex = nil
        }
        self.original = original
        let names = regex.groupNumbers
        idGroups = [FailureIDKind.ip4, .ip6, .dns, .host, .fid].compactMap { kind in
            names[kind.rawValue].map { (kind, $0) }
        }
        fieldGroups = names.keys.sorted().filter { $0 != "content" }.map { ($0, names[$0]!) }
        contentGroup = names["content"]
        skipLineGroups = names.filter { $0.key.hasPrefix("skiplines") }.map(\.value).sorted()
    }

    /// Where `content` ends on a single line `subject` of `count` bytes when ``lineRegex``
    /// matched it: before its last `\n`.
    @inline(__always)
    static func contentEnd(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        base[count - 1] == 10 ? count - 1 : count
    }

    /// `pattern` with its last `(?P<content>.+)$` made the lookahead ``lineRegex`` runs,
    /// nil unless that group ends the pattern at its top level: outside any group,
    /// alternation or character class, with no inline flag (`s`, `x`), verb or quoting
    /// that could change what `.` or `$` mean there.
    static func lineContentPattern(_ pattern: String) -> String? {
        let tail = Array("(?P<content>.+)$".utf8)
        let bytes = Array(pattern.utf8)
        guard bytes.count > tail.count, bytes.suffix(tail.count).elementsEqual(tail) else { return nil }
        let head = bytes.dropLast(tail.count)
        var depth = 0
        var i = head.startIndex
        while i < head.endIndex {
            let c = head[i]
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < head.endIndex, head[i + 1] != UInt8(ascii: "Q") else { return nil }
                // `\cX` takes the byte after it; \Q...\E quoting is declined.
                i += head[i + 1] == UInt8(ascii: "c") ? 3 : 2
                if i > head.endIndex { return nil }
                continue
            case UInt8(ascii: "["):
                guard let end = classEnd(head, from: i) else { return nil }
                i = end
                continue
            case UInt8(ascii: "("):
                if i + 1 < head.endIndex, head[i + 1] == UInt8(ascii: "*") { return nil }
                if i + 1 < head.endIndex, head[i + 1] == UInt8(ascii: "?") {
                    var j = i + 2
                    while j < head.endIndex, Self.isFlag(head[j]) { j += 1 }
                    let flags = head[(i + 2)..<j]
                    if flags.contains(UInt8(ascii: "#")) || flags.contains(UInt8(ascii: "s")) || flags.contains(UInt8(ascii: "x"))
                        || flags.contains(UInt8(ascii: "^"))
                    {
                        return nil
                    }
                    // `(?flags)` applies to the rest of its group (here: the whole pattern).
                    if j < head.endIndex, head[j] == UInt8(ascii: ")"), j > i + 2 {
                        i = j + 1
                        continue
                    }
                }
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth < 0 { return nil }
            case UInt8(ascii: "|"):
                if depth == 0 { return nil }
            default:
                break
            }
            i += 1
        }
        guard depth == 0 else { return nil }
        return String(decoding: head + Array("(?P<content>(?=.))".utf8), as: UTF8.self)
    }

    /// Letters of an inline option setting, and `#` (a comment) and `^` (a reset), which
    /// ``lineContentPattern(_:)`` declines.
    private static func isFlag(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "#") || c == UInt8(ascii: "^")
    }

    /// The index after the character class opening at `start`, nil when it does not close:
    /// a `]` first (after an optional `^`) is a member, `[:name:]` is a POSIX class, escapes
    /// are skipped.
    private static func classEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var i = start + 1
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "^") { i += 1 }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "]") { i += 1 }
        while i < bytes.endIndex {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "]"): return i + 1
            case UInt8(ascii: "[") where i + 1 < bytes.endIndex && bytes[i + 1] == UInt8(ascii: ":"):
                var j = i + 2
                while j + 1 < bytes.endIndex, !(bytes[j] == UInt8(ascii: ":") && bytes[j + 1] == UInt8(ascii: "]")) { j += 1 }
                guard j + 1 < bytes.endIndex else { return nil }
                i = j + 2
            default: i += 1
            }
        }
        return nil
    }

    var hasFailureID: Bool { !idGroups.isEmpty || regex.groupNumbers["mlfid"] != nil }
}
