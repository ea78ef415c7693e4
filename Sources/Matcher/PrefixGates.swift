import CMemSearch

/// For each failregex, the first bytes a subject must start with for it to match, tested
/// before the regex runs (fail2ban tries failregexes one by one, so a line of sshd went
/// through PCRE2 up to 20 times; with the gates, only the regexes whose start fits).
///
/// Built from ``LiteralExtraction/analyze(_:)``, each prefix cut to its first
/// 16 bytes: the test is a masked compare of two 64-bit words per prefix (16, not 8:
/// sshd's `Failed publickey` and `Failed password`, `Disconnecting:` and `Disconnected`
/// differ after their eighth byte, and a line the gate let through to a regex that then
/// failed cost a PCRE2 call). A regex without
/// known prefixes (not `^`-anchored, unknown start, `(?m)`) but with required literals is
/// tried only when the subject holds one literal of each of its required sets (exim's
/// stock failregexes are not anchored: up to eight PCRE2 searches per line became a few
/// `memmem`s; recidive's `NOTICE` lines are Bans and Unbans, and `Ban` tells them apart);
/// a regex with neither is always tried.
struct PrefixGates: Sendable {
    /// Per regex, its range in `values`/`masks`; empty: always tried.
    let ranges: [Range<Int>]
    /// Per prefix, its first 8 bytes and the mask of those it has.
    let values: [UInt64]
    let masks: [UInt64]
    /// Per prefix, its bytes 8..<16 and their mask (0: a prefix of 8 bytes or fewer).
    let secondValues: [UInt64]
    let secondMasks: [UInt64]
    /// Per regex without a prefix gate, its range in `literalSets`; empty: none.
    let literalGroups: [Range<Int>]
    /// Sets of literals (ranges in `literals`), one literal of each required.
    let literalSets: [Range<Int>]
    /// Required literals, as ranges of `literalBytes`.
    let literals: [Range<Int>]
    let literalBytes: [UInt8]
    /// Per first byte of a subject, the regexes (bit i: regex i) whose prefix gates may
    /// admit it: one table load a line skips the regexes that start otherwise, instead of
    /// a gate test for each (sshd has 22 failregexes; a line's first byte leaves 2 to 5).
    /// Empty with more than 64 regexes: every regex's gate is then tested.
    let byFirstByte: [UInt64]

    /// Gates from each failregex's anchored prefixes (nil: always tried) and, for a regex
    /// without prefixes, its required literal sets, the most selective first (nil: always
    /// tried; a set of more than 8 literals is left out).
    init(prefixes all: [[[UInt8]]?], required: [[[[UInt8]]]?] = []) {
        var ranges: [Range<Int>] = []
        var values: [UInt64] = []
        var masks: [UInt64] = []
        var secondValues: [UInt64] = []
        var secondMasks: [UInt64] = []
        func mask(_ bytes: Int) -> UInt64 { bytes >= 8 ? ~0 : (1 << (8 * UInt64(max(bytes, 0)))) - 1 }
        for prefixes in all {
            let start = values.count
            if let prefixes, prefixes.count <= 16 {
                var seen: Set<[UInt8]> = []
                for prefix in prefixes where seen.insert(Array(prefix.prefix(16))).inserted {
                    let bytes = Array(prefix.prefix(16))
                    let lead = bytes.withUnsafeBufferPointer { Self.lead($0.baseAddress!, count: $0.count) }
                    values.append(lead.first)
                    masks.append(mask(bytes.count))
                    secondValues.append(lead.second)
                    secondMasks.append(mask(bytes.count - 8))
                }
            }
            ranges.append(start..<values.count)
        }
        self.ranges = ranges
        self.values = values
        self.masks = masks
        self.secondValues = secondValues
        self.secondMasks = secondMasks
        var table: [UInt64] = []
        if ranges.count <= 64 {
            table = Array(repeating: 0, count: 256)
            for (index, range) in ranges.enumerated() {
                let bit: UInt64 = 1 << UInt64(index)
                // No gate, or a prefix without a first byte: any first byte.
                if range.isEmpty || range.contains(where: { masks[$0] & 0xFF == 0 }) {
                    for byte in 0..<256 { table[byte] |= bit }
                    continue
                }
                for k in range { table[Int(values[k] & 0xFF)] |= bit }
            }
        }
        byFirstByte = table
        var groups: [Range<Int>] = []
        var sets: [Range<Int>] = []
        var literals: [Range<Int>] = []
        var bytes: [UInt8] = []
        for (index, prefixRange) in ranges.enumerated() {
            let first = sets.count
            if prefixRange.isEmpty, index < required.count, let required = required[index] {
                for set in required where !set.isEmpty && set.count <= 8 {
                    let start = literals.count
                    for literal in Self.narrowed(set) {
                        literals.append(bytes.count..<(bytes.count + literal.count))
                        bytes += literal
                    }
                    sets.append(start..<literals.count)
                }
            }
            groups.append(first..<sets.count)
        }
        literalGroups = groups
        literalSets = sets
        self.literals = literals
        literalBytes = bytes
    }

    /// One literal that every literal of `set` contains, when there is one at least 4 bytes
    /// long and half as long as the shortest of them: a line holding one of `set` holds
    /// it, so the gate admits every line it admitted (never a lost failure) for one search
    /// instead of one per literal. An alternation expands into several literals
    /// (dovecot's logins: `(?:pop3|imap|managesieve|submission)-login: (?:Info: )?Login:
    /// user=<` is eight, all holding `Login: user=<`): each a search of the whole line.
    static func narrowed(_ set: [[UInt8]]) -> [[UInt8]] {
        guard set.count > 1, let shortest = set.min(by: { $0.count < $1.count }), shortest.count >= 4 else { return set }
        for length in stride(from: shortest.count, through: max(4, (shortest.count + 1) / 2), by: -1) {
            for start in 0...(shortest.count - length) {
                let part = Array(shortest[start..<(start + length)])
                if set.allSatisfy({ $0.contains(subsequence: part) }) { return [part] }
            }
        }
        return set
    }

    /// Whether regex `index`, which has no prefix gate, may match `subject`: a literal of
    /// each of its required sets occurs in it (or it has none).
    @inline(__always)
    func literalsAdmit(_ index: Int, _ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        let groups = literalGroups[index]
        if groups.isEmpty { return true }
        return literalBytes.withUnsafeBufferPointer { pool in
            sets: for s in groups {
                for k in literalSets[s] {
                    let literal = literals[k]
                    if cmemsearch_find_short(subject.baseAddress, subject.count, pool.baseAddress! + literal.lowerBound, literal.count)
                        != nil
                    {
                        continue sets
                    }
                }
                return false
            }
            return true
        }
    }

    /// The required literal sets of regex `index` that gate it (for diagnostics).
    func requiredLiterals(_ index: Int) -> [[[UInt8]]] {
        literalGroups[index].map { s in literalSets[s].map { Array(literalBytes[literals[$0]]) } }
    }

    /// The first 16 bytes of a subject, as two little-endian words.
    struct Lead {
        let first: UInt64
        let second: UInt64
    }

    /// The first 16 bytes of a subject, zeros past its end.
    @inline(__always)
    static func lead(_ base: UnsafePointer<UInt8>, count: Int) -> Lead {
        let raw = UnsafeRawPointer(base)
        if count >= 16 {
            return Lead(
                first: UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)),
                second: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        var words: (UInt64, UInt64) = (0, 0)
        for k in 0..<min(count, 8) { words.0 |= UInt64(base[k]) << (8 * k) }
        if count > 8 { for k in 8..<count { words.1 |= UInt64(base[k]) << (8 * (k - 8)) } }
        return Lead(first: words.0, second: words.1)
    }

    /// The regexes, in order, whose prefix gates may admit a subject starting with `lead`
    /// (each still to be tested with ``admits(_:lead:)``).
    @inline(__always)
    func admitted(lead: Lead) -> Admitted {
        if byFirstByte.isEmpty { return Admitted(bits: 0, following: 0, end: ranges.count) }
        return Admitted(bits: byFirstByte[Int(lead.first & 0xFF)], following: 0, end: 0)
    }

    /// The regexes of ``admitted(lead:)``: the set bits of a table entry, else every index.
    struct Admitted: IteratorProtocol {
        var bits: UInt64
        var following: Int
        let end: Int

        @inline(__always)
        mutating func next() -> Int? {
            if bits != 0 {
                let index = bits.trailingZeroBitCount
                bits &= bits &- 1
                return index
            }
            guard following < end else { return nil }
            defer { following += 1 }
            return following
        }
    }

    /// Whether regex `index` can match a subject starting with `lead`. A subject shorter
    /// than a prefix has zeros where the prefix has bytes, so it fails unless the prefix
    /// holds NUL bytes there (then the regex is tried: never a wrong rejection).
    @inline(__always)
    func admits(_ index: Int, lead: Lead) -> Bool {
        let range = ranges[index]
        if range.isEmpty { return true }
        for k in range where lead.first & masks[k] == values[k] && lead.second & secondMasks[k] == secondValues[k] {
            return true
        }
        return false
    }

    /// The prefixes of regex `index`, cut to 16 bytes (for diagnostics).
    func prefixes(_ index: Int) -> [[UInt8]] {
        ranges[index].map { k in
            let words = [(values[k], masks[k]), (secondValues[k], secondMasks[k])]
            return words.flatMap { value, mask in
                (0..<8).compactMap { b in mask >> (8 * b) & 0xFF == 0 ? nil : UInt8(truncatingIfNeeded: value >> (8 * b)) }
            }
        }
    }
}
