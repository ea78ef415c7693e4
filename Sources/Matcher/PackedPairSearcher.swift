/// Finds the first occurrence of any of a few literals in one pass over a buffer,
/// sixteen bytes at a time.
///
/// The "packed pair" idea of the memchr crate's generic searcher, for several needles:
/// each literal is represented by two of its bytes, the rarest ones by a byte-frequency
/// rank, at their offsets. A block of 16 positions is a candidate only where, for some
/// literal, both bytes sit at their offsets; candidates are then verified in full. One
/// pass for all literals replaces one `memmem` pass per literal.
struct PackedPairSearcher: Sendable {
    struct Needle: Sendable {
        let bytes: [UInt8]
        let offset1: Int
        let offset2: Int
        let byte1: SIMD16<UInt8>
        let byte2: SIMD16<UInt8>
    }

    let needles: [Needle]
    let pairs: [PackedPair]
    /// The largest offset read past a block start, plus the block width.
    let reach: Int
    let minimumLength: Int

    init(_ literals: [[UInt8]]) {
        needles = literals.map { literal in
            // The two rarest bytes (distinct offsets); ties go to the later offset, which
            // varies more in text than the start of a word.
            let ranked = literal.indices.sorted { a, b in
                let ra = ByteFrequency.rank[Int(literal[a])], rb = ByteFrequency.rank[Int(literal[b])]
                return ra != rb ? ra < rb : a > b
            }
            let first = ranked[0]
            let second = ranked.count > 1 ? ranked[1] : ranked[0]
            let (o1, o2) = (min(first, second), max(first, second))
            return Needle(bytes: literal, offset1: o1, offset2: o2,
                          byte1: SIMD16(repeating: literal[o1]), byte2: SIMD16(repeating: literal[o2]))
        }
        pairs = needles.map { PackedPair(offset1: $0.offset1, offset2: $0.offset2, byte1: $0.byte1, byte2: $0.byte2) }
        reach = (needles.map(\.offset2).max() ?? 0) + 16
        minimumLength = literals.map(\.count).min() ?? 1
    }

    /// The offset of the first literal occurrence at or after `from`, or nil.
    @inline(__always)
    func firstHit(in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        let count = buffer.count
        let raw = UnsafeRawPointer(base)
        var p = from
        let found: Int? = pairs.withUnsafeBufferPointer { pairs -> Int? in
            let n = pairs.count
            while p + reach <= count {
                var hit = false
                var k = 0
                while k < n {
                    let pair = pairs[k]
                    let a = raw.loadUnaligned(fromByteOffset: p + pair.offset1, as: SIMD16<UInt8>.self)
                    let b = raw.loadUnaligned(fromByteOffset: p + pair.offset2, as: SIMD16<UInt8>.self)
                    if any((a .== pair.byte1) .& (b .== pair.byte2)) { hit = true; break }
                    k += 1
                }
                if hit, let position = verify(base, count: count, from: p, to: p + 16) { return position }
                p += 16
            }
            return nil
        }
        return found ?? verify(base, count: count, from: p, to: count)
    }

    /// The first position in `from..<to` where a literal starts, checked byte by byte.
    func verify(_ base: UnsafePointer<UInt8>, count: Int, from: Int, to: Int) -> Int? {
        var position = from
        while position < to {
            for needle in needles where position + needle.bytes.count <= count
                && base[position + needle.offset1] == needle.bytes[needle.offset1]
                && base[position + needle.offset2] == needle.bytes[needle.offset2] {
                if needle.bytes.withUnsafeBufferPointer({ memcmp(base + position, $0.baseAddress!, $0.count) == 0 }) {
                    return position
                }
            }
            position += 1
        }
        return nil
    }
}

/// The SIMD part of a needle, kept apart from its bytes so that the block loop touches
/// no reference-counted storage.
struct PackedPair: Sendable {
    let offset1: Int
    let offset2: Int
    let byte1: SIMD16<UInt8>
    let byte2: SIMD16<UInt8>
}

/// How common each byte is in log text (lower is rarer), after the frequency tables
/// searchers such as the memchr crate use, adjusted for logs: letters, digits, space,
/// and the punctuation of syslog lines are common.
enum ByteFrequency {
    static let rank: [UInt8] = {
        var rank = [UInt8](repeating: 10, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { rank[Int(c)] = 150 }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { rank[Int(c)] = 80 }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { rank[Int(c)] = 170 }
        for c in "etaoinsrlcdmu".utf8 { rank[Int(c)] = 200 }
        for c in " .:=-_/,[]<>()@".utf8 { rank[Int(c)] = 190 }
        rank[32] = 255
        for c in "()<>".utf8 { rank[Int(c)] = 120 }
        for c in "qjxzkvwyQJXZKVWY".utf8 { rank[Int(c)] = 40 }
        return rank
    }()
}

#if canImport(Glibc)
import Glibc
#endif
