import CMemSearch

/// Where byte-mode matching and fail2ban's matching of decoded text can part: fail2ban
/// decodes each line (UTF-8, invalid bytes replaced by U+FFFD) and matches it with
/// Python's `re`, whose `\s` also takes 0x1C-0x1F and Unicode spaces (NBSP...), whose
/// `\w`, `\d`, `\b`, `.` and case folding are Unicode's. On a line of ASCII bytes other
/// than 0x1C-0x1F, PCRE2's byte mode means exactly the same; only other lines need the
/// Unicode-text variant of a filter.
public enum UnicodeText {
    /// Whether `line` holds a byte at or above 0x80 or in 0x1C-0x1F (16 bytes a step, in
    /// C: the check runs on every candidate line).
    @inline(__always)
    public static func needsUnicode(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return false }
        return cmemsearch_needs_unicode(base, line.count) != 0
    }

    /// Whether `line` is valid UTF-8 (nothing to replace).
    public static func isValidUTF8(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = line.count
        while i < n {
            let c = line[i]
            if c < 0x80 {
                i += 1
                continue
            }
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
            default: return false
            }
            for k in 1...need {
                guard i + k < n else { return false }
                let d = line[i + k]
                if k == 1 { guard d >= low, d <= high else { return false } } else { guard d >= 0x80, d <= 0xBF else { return false } }
            }
            i += need + 1
        }
        return true
    }

    /// Appends `line` to `out` as Python's `bytes.decode("utf-8", "replace")` would see it
    /// re-encoded: each maximal invalid subsequence becomes U+FFFD (EF BF BD).
    /// - Returns: whether anything was replaced.
    @discardableResult
    public static func repair(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        var replaced = false
        var i = 0
        let n = line.count
        while i < n {
            let c = line[i]
            if c < 0x80 {
                out.append(c)
                i += 1
                continue
            }
            // The lead byte decides how many continuation bytes follow and the range of
            // the first one (RFC 3629; no overlongs, no surrogates, nothing past U+10FFFF).
            var need = 0
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0:
                need = 2
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED:
                need = 2
                high = 0x9F
            case 0xF0:
                need = 3
                low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4:
                need = 3
                high = 0x8F
            default: need = -1
            }
            var k = 1
            if need > 0 {
                while k <= need, i + k < n {
                    let d = line[i + k]
                    let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                    guard d >= lo, d <= hi else { break }
                    k += 1
                }
            }
            if need > 0, k == need + 1 {
                for j in 0..<k { out.append(line[i + j]) }
                i += k
            } else {
                // The maximal subpart (lead plus the continuation bytes that fitted) is one
                // replacement character.
                out += [0xEF, 0xBF, 0xBD]
                replaced = true
                i += need > 0 ? k : 1
            }
        }
        return replaced
    }
}
