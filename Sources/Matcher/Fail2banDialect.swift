/// Translates fail2ban's regex dialect into a PCRE2 pattern.
///
/// Corresponds to fail2ban's `server/failregex.py` (`Regex._resolveHostTag` and the
/// global-flag rewrite in `Regex.__init__`): `<HOST>`, `<ADDR>`, `<IP4>`, `<IP6>`,
/// `<DNS>`, `<CIDR>`, `<SUBNET>`, `<F-ID/>`, `<F-PORT/>`, `<SKIPLINES>` and the
/// `<F-NAME>…</F-NAME>` groups expand to the same regexes fail2ban 1.0 uses. Then the
/// few Python `re` spellings PCRE2 reads differently are rewritten (`\Z`, `{,n}`, the
/// `u`/`a`/`L` flags).
///
/// One extension: fail2ban 0.8 filters spelled the host group `(?P<host>…)` and some
/// hand-written ones `(?P<HOST>…)`. fail2ban 1.0 refuses both; failscan accepts them as
/// the host capture and records a note so the caller can say so once.
public struct Fail2banDialect: Sendable {
    /// How `<HOST>` expands, after fail2ban's `usedns`: `no` matches addresses only.
    public var useDNS: Bool

    /// A dialect in which `<HOST>` also matches host names unless `useDNS` is false (fail2ban's `usedns = no`).
    public init(useDNS: Bool = true) { self.useDNS = useDNS }

    /// The translated pattern and what the translation had to say about it.
    public struct Translation: Sendable, Equatable {
        /// The PCRE2 pattern.
        public var pattern: String
        /// Human-readable notes, e.g. that a legacy host group was accepted.
        public var notes: [String]
    }

    // fail2ban's IPAddr.IP_4_RE and IP_6_RE (server/ipdns.py).
    static let ip4 = #"(?:\d{1,3}\.){3}\d{1,3}"#
    static let ip6 = #"(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)"#
    static let hostIPv4 = #"(?:::f{4,6}:)?(?P<ip4>"# + ip4 + ")"
    static let hostIPv6 = "(?P<ip6>" + ip6 + ")"
    static let hostDNS = #"(?P<dns>[\w\-.^_]*\w)"#
    static let hostAddr = #"\[?(?:"# + hostIPv4 + "|" + hostIPv6 + #")\]?"#
    static let hostAny = "(?:" + hostAddr + "|" + hostDNS + ")"
    static let hostCIDR = #"(?P<cidr>\d+)"#
    static let hostSubnet = #"\[?(?:"# + hostIPv4 + "|" + hostIPv6 + ")(?:/" + hostCIDR + #")?\]?"#

    static let staticTags: [String: String] = [
        "IP4": hostIPv4, "F-IP4/": hostIPv4,
        "IP6": hostIPv6, "F-IP6/": hostIPv6,
        "ADDR": hostAddr, "F-ADDR/": hostAddr,
        "CIDR": hostCIDR, "F-CIDR/": hostCIDR,
        "SUBNET": hostSubnet, "F-SUBNET/": hostSubnet,
        "DNS": hostDNS, "F-DNS/": hostDNS,
        "F-ID/": #"(?P<fid>\S+)"#,
        "F-PORT/": #"(?P<fport>\w+)"#,
    ]

    /// Translates one failregex, prefregex or ignoreregex.
    /// - Throws: `PatternError.empty` for a blank regex (fail2ban: "Cannot add empty regex").
    public func translate(_ regex: String) throws(PatternError) -> Translation {
        var notes: [String] = []
        var source = regex
        for legacy in ["(?P<HOST>", "(?P<host>"] where regex.contains(legacy) {
            source = source.replacingAll(legacy, with: "(?P<host>")
            notes.append("the group \(legacy)...) is read as the host capture (fail2ban 1.0 would refuse it; write <HOST> instead)")
        }
        var expanded = expandTags(source)
        if expanded.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) { throw .empty(regex) }
        expanded = globalFlagsToLocal(expanded)
        return Translation(pattern: pythonToPCRE2(expanded), notes: notes)
    }

    /// A translated pattern for lines fail2ban would see as Unicode text (compiled with
    /// ``PCRE2Regex/Options/utf``, which gives `\d`, `\w`, `\b`, `.` and case their
    /// Unicode meaning): Python's `\s` also matches 0x1C-0x1F, which PCRE2's does not, so
    /// `\s` gains them and `\S` loses them (inside a class, `\s` gains them; `\S` there
    /// keeps PCRE2's meaning).
    public func unicodeTextVariant(_ pattern: String) -> String {
        let b = Array(pattern.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 32)
        var i = 0
        var inClass = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                switch (b[i + 1], inClass) {
                case (UInt8(ascii: "s"), false): out += Array(#"[\s\x1c-\x1f]"#.utf8)
                case (UInt8(ascii: "S"), false): out += Array(#"[^\s\x1c-\x1f]"#.utf8)
                case (UInt8(ascii: "s"), true): out += Array(#"\s\x1c-\x1f"#.utf8)
                default: out += [c, b[i + 1]]
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
            } else if c == UInt8(ascii: "[") {
                inClass = true
                Self.copyClassStart(b, &i, into: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Copies what may follow a class's `[` before its members: `^`, then a `]` that is a
    /// literal there in both dialects.
    static func copyClassStart(_ b: [UInt8], _ i: inout Int, into out: inout [UInt8]) {
        if i < b.count, b[i] == UInt8(ascii: "^") {
            out.append(b[i])
            i += 1
        }
        if i < b.count, b[i] == UInt8(ascii: "]") {
            out.append(b[i])
            i += 1
        }
    }

    /// The regex as fail2ban compiles it for Python's `re` (its `Regex.getRegex()`, which
    /// fail2ban-regex prints for the prefregex): tags expanded, global flags made local; no
    /// PCRE2 rewrite.
    public func pythonPattern(_ regex: String) -> String { globalFlagsToLocal(expandTags(regex)) }

    /// Only the rewrite of Python `re` spellings PCRE2 reads differently (no tags): for
    /// regexes fail2ban compiles directly, such as date templates.
    public func translatePythonSpellings(_ regex: String) -> String { pythonToPCRE2(regex) }

    /// fail2ban's `FTAG_CRE` substitution: `</?[\w\-]+/?>`.
    func expandTags(_ regex: String) -> String {
        let bytes = Array(regex.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        var openTags: Set<String> = []
        var skipLines = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<"), let end = Self.tagEnd(bytes, from: i) {
                let tag = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
                let replacement = substitute(tag: tag, openTags: &openTags, skipLines: &skipLines)
                out.append(contentsOf: Array((replacement ?? "<\(tag)>").utf8))
                i = end + 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index of the `>` closing a tag that starts at `start`, if the bytes form one.
    static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start + 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "/") { i += 1 }
        let nameStart = i
        while i < bytes.count, bytes[i].isWordByte || bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i > nameStart else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: "/") { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { return nil }
        return i
    }

    private func substitute(tag: String, openTags: inout Set<String>, skipLines: inout Int) -> String? {
        if tag == "HOST" { return useDNS ? Self.hostAny : Self.hostAddr }
        if tag == "SKIPLINES" {
            defer { skipLines += 1 }
            return #"\n(?P<skiplines\#(skipLines)>(?:(?:.*\n)*?))"#
        }
        if let fixed = Self.staticTags[tag] { return fixed }
        // fail2ban's FCUSTNAME_CRE: ^(/?)F-([A-Z0-9_\-]+)$
        var name = Substring(tag)
        let closing = name.hasPrefix("/")
        if closing { name = name.dropFirst() }
        guard name.hasPrefix("F-") else { return nil }
        let custom = name.dropFirst(2)
        guard !custom.isEmpty, custom.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 })
        else { return nil }
        let key = String(custom)
        if closing { return openTags.contains(key) ? ")" : nil }
        openTags.insert(key)
        return "(?P<\(Self.groupName(forTag: key))>"
    }

    /// fail2ban's `mapTag2Opt`: lower-case, with `id` and `port` renamed.
    public static func groupName(forTag tag: String) -> String {
        let lower = tag.lowercased()
        switch lower {
        case "id": return "fid"
        case "port": return "fport"
        default: return lower
        }
    }

    /// fail2ban's `R_GLOB2LOCFLAGS`: `((?i)x)` and `(?:(?i)x)` become `(?i:x)`.
    func globalFlagsToLocal(_ regex: String) -> String {
        let b = Array(regex.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "("), i == 0 || b[i - 1] != UInt8(ascii: "\\") {
                var j = i + 1
                if j + 1 < b.count, b[j] == UInt8(ascii: "?"), b[j + 1] == UInt8(ascii: ":") { j += 2 }
                if j + 2 < b.count, b[j] == UInt8(ascii: "("), b[j + 1] == UInt8(ascii: "?") {
                    var k = j + 2
                    while k < b.count, b[k] >= 97, b[k] <= 122 { k += 1 }
                    if k > j + 2, k < b.count, b[k] == UInt8(ascii: ")") {
                        out.append(contentsOf: b[j..<k])
                        out.append(UInt8(ascii: ":"))
                        i = k + 1
                        continue
                    }
                }
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Rewrites Python `re` spellings that PCRE2 reads differently.
    func pythonToPCRE2(_ regex: String) -> String {
        let b = Array(regex.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var inClass = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                if !inClass, b[i + 1] == UInt8(ascii: "Z") {
                    out.append(contentsOf: Array(#"\z"#.utf8))
                } else {
                    out.append(c)
                    out.append(b[i + 1])
                }
                i += 2
                continue
            }
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
                out.append(c)
                i += 1
                continue
            }
            if c == UInt8(ascii: "[") {
                inClass = true
                out.append(c)
                i += 1
                Self.copyClassStart(b, &i, into: &out)
                continue
            }
            if c == UInt8(ascii: "{"), i + 1 < b.count, b[i + 1] == UInt8(ascii: ",") {
                var k = i + 2
                while k < b.count, b[k] >= 48, b[k] <= 57 { k += 1 }
                if k > i + 2, k < b.count, b[k] == UInt8(ascii: "}") {
                    out.append(contentsOf: Array("{0".utf8))
                    i += 1
                    continue
                }
            }
            if c == UInt8(ascii: "("), i + 1 < b.count, b[i + 1] == UInt8(ascii: "?") {
                // Inline flags: (?aiLmsux) or (?flags:...) or (?flags-flags:...)
                var k = i + 2
                while k < b.count, (b[k] >= 97 && b[k] <= 122) || b[k] == UInt8(ascii: "L") || b[k] == UInt8(ascii: "-") { k += 1 }
                if k > i + 2, k < b.count, b[k] == UInt8(ascii: ")") || b[k] == UInt8(ascii: ":") {
                    let flags = b[(i + 2)..<k].filter { $0 != UInt8(ascii: "u") && $0 != UInt8(ascii: "a") && $0 != UInt8(ascii: "L") }
                    let kept = flags.filter { $0 != UInt8(ascii: "-") }
                    if b[k] == UInt8(ascii: ")") {
                        if !kept.isEmpty { out.append(contentsOf: Array("(?".utf8) + flags + [UInt8(ascii: ")")]) }
                    } else {
                        out.append(contentsOf: Array("(?".utf8) + (kept.isEmpty ? [] : flags) + [UInt8(ascii: ":")])
                    }
                    i = k + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UInt8 {
    /// ASCII letters, digits and underscore: Python's `\w` on ASCII text.
    @inline(__always)
    var isWordByte: Bool {
        (self >= 48 && self <= 57) || (self >= 65 && self <= 90) || (self >= 97 && self <= 122) || self == 95
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(utf8), needle = Array(target.utf8), insert = Array(replacement.utf8)
        guard !needle.isEmpty, source.count >= needle.count else { return self }
        var out: [UInt8] = []
        var i = 0
        while i < source.count {
            if i + needle.count <= source.count, source[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: insert)
                i += needle.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
