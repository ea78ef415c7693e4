import CMemSearch

/// Where byte-mode matching and fail2ban's matching of decoded text can part: fail2ban
/// decodes each line (UTF-8, invalid bytes replaced by U+FFFD) and matches it with
/// Python's `re`, whose `\s` also takes 0x1C-0x1F and Unicode spaces (NBSP...), whose
/// `\w`, `\d`, `\b`, `.` and case folding are Unicode's. On a line of ASCII bytes other
/// than 0x1C-0x1F, PCRE2's byte mode means exactly the same; only other lines need the
/// Unicode-text variant of a filter.
package enum UnicodeText {
    /// Whether `line` holds a byte at or above 0x80 or in 0x1C-0x1F (16 bytes a step, in
    /// C: the check runs on every candidate line).
    @inline(__always)
    package static func needsUnicode(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return false }
        return cmemsearch_needs_unicode(base, line.count) != 0
    }

    /// Whether `line` is valid UTF-8 (nothing to replace).
    package static func isValidUTF8(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return true }
        return cmemsearch_valid_utf8(base, line.count) != 0
    }

    /// Appends `line` to `out` as Python's `bytes.decode("utf-8", "replace")` would see it
    /// re-encoded: each maximal invalid subsequence becomes U+FFFD (EF BF BD).
    /// - Returns: whether anything was replaced.
    @discardableResult
    package static func repair(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        var replaced = false
        var i = 0
        while i < line.count {
            let length = sequence(in: line, at: i)
            if length > 0 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: line[i..<(i + length)]))
                i += length
            } else {
                out += [0xEF, 0xBF, 0xBD]
                replaced = true
                i -= length
            }
        }
        return replaced
    }

    /// The UTF-8 sequence at `i`: its length when valid, else minus the length of its
    /// maximal invalid subpart (the lead byte and the continuation bytes that fitted). The
    /// lead byte decides how many continuation bytes follow and the range of the first one
    /// (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
    @inline(__always)
    static func sequence(in line: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = line[i]
        if c < 0x80 { return 1 }
        var need = 0
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: (need, low) = (2, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: (need, high) = (2, 0x9F)
        case 0xF0: (need, low) = (3, 0x90)
        case 0xF1...0xF3: need = 3
        case 0xF4: (need, high) = (3, 0x8F)
        default: return -1
        }
        var k = 1
        while k <= need, i + k < line.count {
            let d = line[i + k]
            guard d >= (k == 1 ? low : 0x80), d <= (k == 1 ? high : 0xBF) else { break }
            k += 1
        }
        return k == need + 1 ? k : -k
    }
}
