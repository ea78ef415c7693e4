/// For each failregex, the first bytes a subject must start with for it to match, tested
/// before the regex runs (fail2ban tries failregexes one by one, so a line of sshd went
/// through PCRE2 up to 20 times; with the gates, only the regexes whose start fits).
///
/// Built from ``LiteralExtraction/anchoredPrefixes(of:)``, each prefix cut to its first
/// 8 bytes: the test is a masked compare of one 64-bit word per prefix. A regex without
/// known prefixes (not `^`-anchored, unknown start, `(?m)`) is always tried.
struct PrefixGates: Sendable {
    /// Per regex, its range in `values`/`masks`; empty: always tried.
    let ranges: [Range<Int>]
    let values: [UInt64]
    let masks: [UInt64]
    /// How many regexes have a gate (for `--show-patterns`).
    let gated: Int

    /// Gates for `patterns` (translated PCRE2 patterns), none when `multiline` (`^` then
    /// matches after each line break of the buffer).
    init(patterns: [String], multiline: Bool) {
        self.init(prefixes: patterns.map { multiline ? nil : LiteralExtraction.anchoredPrefixes(of: $0) })
    }

    /// Gates from each failregex's anchored prefixes (nil: always tried).
    init(prefixes all: [[[UInt8]]?]) {
        var ranges: [Range<Int>] = []
        var values: [UInt64] = []
        var masks: [UInt64] = []
        var gated = 0
        for prefixes in all {
            let start = values.count
            if let prefixes, prefixes.count <= 16 {
                var seen: Set<[UInt8]> = []
                for prefix in prefixes where seen.insert(Array(prefix.prefix(8))).inserted {
                    let bytes = prefix.prefix(8)
                    var value: UInt64 = 0
                    var mask: UInt64 = 0
                    for (k, byte) in bytes.enumerated() {
                        value |= UInt64(byte) << (8 * k)
                        mask |= 0xFF << (8 * k)
                    }
                    values.append(value)
                    masks.append(mask)
                }
                gated += 1
            }
            ranges.append(start..<values.count)
        }
        self.ranges = ranges
        self.values = values
        self.masks = masks
        self.gated = gated
    }

    /// The first 8 bytes of a subject as a little-endian word, zeros past its end.
    @inline(__always)
    static func firstWord(_ base: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        if count >= 8 { return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) }
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(base[k]) << (8 * k) }
        return word
    }

    /// Whether regex `index` can match a subject starting with `word`. A subject shorter
    /// than a prefix has zeros where the prefix has bytes, so it fails unless the prefix
    /// holds NUL bytes there (then the regex is tried: never a wrong rejection).
    @inline(__always)
    func admits(_ index: Int, word: UInt64) -> Bool {
        let range = ranges[index]
        if range.isEmpty { return true }
        for k in range where word & masks[k] == values[k] { return true }
        return false
    }

    /// The prefixes of regex `index`, cut to 8 bytes (for diagnostics).
    func prefixes(_ index: Int) -> [[UInt8]] {
        ranges[index].map { k in
            (0..<8).compactMap { b in masks[k] >> (8 * b) & 0xFF == 0 ? nil : UInt8(truncatingIfNeeded: values[k] >> (8 * b)) }
        }
    }
}
