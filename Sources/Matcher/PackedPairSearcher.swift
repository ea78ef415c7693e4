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
        let chosen = Self.choosePairs(literals)
        needles = zip(literals, chosen).map { literal, pair in
            Needle(
                bytes: literal, offset1: pair.0, offset2: pair.1,
                byte1: SIMD16(repeating: literal[pair.0]), byte2: SIMD16(repeating: literal[pair.1]))
        }
        // Needles that chose the same pair at the same offsets share one block test.
        var distinct: [PackedPair] = []
        for needle in needles
        where !distinct.contains(where: {
            $0.offset1 == needle.offset1 && $0.offset2 == needle.offset2 && $0.byte1 == needle.byte1 && $0.byte2 == needle.byte2
        }) {
            distinct.append(PackedPair(offset1: needle.offset1, offset2: needle.offset2, byte1: needle.byte1, byte2: needle.byte2))
        }
        pairs = distinct
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
                // One branch per block: the masks of all literals are ORed first.
                var mask = SIMDMask<SIMD16<Int8>>(repeating: false)
                var k = 0
                while k < n {
                    let pair = pairs[k]
                    let a = raw.loadUnaligned(fromByteOffset: p &+ pair.offset1, as: SIMD16<UInt8>.self)
                    let b = raw.loadUnaligned(fromByteOffset: p &+ pair.offset2, as: SIMD16<UInt8>.self)
                    mask = mask .| ((a .== pair.byte1) .& (b .== pair.byte2))
                    k &+= 1
                }
                if Self.anySet(mask), let position = verify(base, count: count, from: p, to: p + 16) { return position }
                p += 16
            }
            return nil
        }
        return found ?? verify(base, count: count, from: p, to: count)
    }

    /// Picks two byte offsets per literal. Each SIMD test costs the same whatever it
    /// finds, so literals are steered towards pairs they share (several literals starting
    /// with "): " share one test), as long as the shared pair is not much more common
    /// than the literal's own rarest pair; verification sorts out the rest.
    static func choosePairs(_ literals: [[UInt8]]) -> [(Int, Int)] {
        struct Key: Hashable { let o1: Int, b1: UInt8, o2: Int, b2: UInt8 }
        let slack = 60
        func score(_ k: Key) -> Int { Int(ByteFrequency.rank[Int(k.b1)]) + Int(ByteFrequency.rank[Int(k.b2)]) }
        var options: [[Key]] = []
        for literal in literals {
            let limit = min(literal.count, 24)
            var keys: [Key] = []
            if limit == 1 {
                keys = [Key(o1: 0, b1: literal[0], o2: 0, b2: literal[0])]
            } else {
                for i in 0..<(limit - 1) { for j in (i + 1)..<limit { keys.append(Key(o1: i, b1: literal[i], o2: j, b2: literal[j])) } }
            }
            let best = keys.map(score).min() ?? 0
            options.append(keys.filter { score($0) <= best + slack })
        }
        // Greedy cover: the pair shared by most literals still open (then the rarer, then the
        // lower offsets and bytes) is taken by all of them, until none is open. Each pair's
        // open literals are counted down as literals are covered (rebuilding the counts
        // each round cost 15M instructions of sshd's start-up).
        var ids: [Key: Int] = [:]
        var keys: [Key] = []
        var members: [[Int]] = []
        var keysOf: [[Int]] = []
        for (index, option) in options.enumerated() {
            var own: [Int] = []
            for key in Set(option) {
                let id: Int
                if let known = ids[key] {
                    id = known
                } else {
                    id = keys.count
                    ids[key] = id
                    keys.append(key)
                    members.append([])
                }
                members[id].append(index)
                own.append(id)
            }
            keysOf.append(own)
        }
        let scores = keys.map(score)
        var open = members.map(\.count)
        func better(_ a: Int, _ b: Int) -> Bool {
            if open[a] != open[b] { return open[a] > open[b] }
            if scores[a] != scores[b] { return scores[a] < scores[b] }
            let (x, y) = (keys[a], keys[b])
            return (x.o1, x.o2, x.b1, x.b2) < (y.o1, y.o2, y.b1, y.b2)
        }
        var assignment = [Key?](repeating: nil, count: literals.count)
        var remaining = literals.count
        while remaining > 0 {
            var pick = -1
            for id in keys.indices where open[id] > 0 && (pick < 0 || better(id, pick)) { pick = id }
            for index in members[pick] where assignment[index] == nil {
                assignment[index] = keys[pick]
                remaining -= 1
                for id in keysOf[index] { open[id] -= 1 }
            }
        }
        return assignment.map { ($0!.o1, $0!.o2) }
    }

    /// Whether any lane of `mask` is set. `any(_:)` compiles to a horizontal reduction
    /// of some 25 instructions; two 64-bit halves ORed together are enough.
    @inline(__always)
    static func anySet(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        // SAFETY: a SIMDMask of 16 Int8 lanes is 16 bytes of 0x00 / 0xff, like SIMD2<UInt64>.
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return halves[0] | halves[1] != 0
    }

    /// The first position in `from..<to` where a literal starts, checked byte by byte.
    func verify(_ base: UnsafePointer<UInt8>, count: Int, from: Int, to: Int) -> Int? {
        var position = from
        while position < to {
            for needle in needles
            where position + needle.bytes.count <= count
                && base[position + needle.offset1] == needle.bytes[needle.offset1]
                && base[position + needle.offset2] == needle.bytes[needle.offset2]
            {
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
