import CMemSearch

/// A set of literals of which every matching line contains at least one, searched over
/// whole buffers rather than line by line.
///
/// Contract (ripgrep's candidate-line hook): false positives allowed, false negatives
/// never. A line without any of the literals cannot match; a line with one may not.
///
/// A class: the line loop asks it for the next hit on every candidate line, where a copy
/// of a struct of arrays retained and released each one (perf, a tune over 2 million
/// logins: retains from 11% of the samples to 4%; wall time unchanged within noise).
public final class Prefilter: Sendable, Equatable {
    /// The literals searched for.
    public let literals: [[UInt8]]

    /// How many leading bytes of a line a date cut may remove before the regex runs.
    ///
    /// fail2ban cuts the date out of the line and matches the rest. With a date anchored
    /// at line start (`^(?:\W{0,2})?DATE`), at most two non-word bytes are left in front
    /// of the text after the date, so a literal found in the cut line could straddle that
    /// junction only through its first two non-word bytes. Trimming those makes every
    /// literal a substring of the text after the date, hence of the raw line.
    public static let dateCutSlack = 2

    /// Builds a prefilter from required literals, or returns nil when they are too weak.
    ///
    /// Literals are trimmed of up to ``dateCutSlack`` leading non-word bytes and cut at
    /// the first line break (fail2ban strips `\r\n` and appends `\n` to each line).
    package init?(literals raw: [[UInt8]], dateCut: DateCut = .lineStart, minimumLength: Int = LiteralExtraction.minimumLength) {
        var set: [[UInt8]] = []
        for literal in raw {
            var l = literal[...]
            if let cut = l.firstIndex(where: { $0 == 10 || $0 == 13 }) { l = l[..<cut] }
            switch dateCut {
            case .lineStart:
                var trimmed = 0
                while trimmed < Prefilter.dateCutSlack, let first = l.first, !first.isWordByte {
                    l = l.dropFirst()
                    trimmed += 1
                }
            case .bounded:
                // A date cut out mid-line joins the bytes around it; one of them is a
                // non-word byte (the templates' boundaries), so a piece between non-word
                // bytes lies wholly on one side of any junction. The rarest piece long
                // enough (dovecot's logins: `Login` of `imap-login: Login: user=<`, not
                // `login`, which every imap-login line holds), else the longest.
                var pieces: [ArraySlice<UInt8>] = []
                var start = l.startIndex
                for index in l.indices where !l[index].isWordByte {
                    pieces.append(l[start..<index])
                    start = index + 1
                }
                pieces.append(l[start..<l.endIndex])
                let longEnough = pieces.filter { $0.count >= minimumLength }
                l =
                    longEnough.max { LiteralExtraction.rarity(of: [Array($0)]) < LiteralExtraction.rarity(of: [Array($1)]) }
                    ?? pieces.max { $0.count < $1.count } ?? l
            case .unbounded:
                return nil
            }
            guard l.count >= minimumLength else { return nil }
            let literal = Array(l)
            if !set.contains(literal) { set.append(literal) }
        }
        // A literal that contains another is redundant: the shorter one finds its lines.
        set = set.filter { candidate in
            !set.contains { other in other != candidate && other.count < candidate.count && candidate.contains(subsequence: other) }
        }
        guard !set.isEmpty else { return nil }
        literals = set.sorted { $0.lexicographicallyPrecedes($1) }
        searcher = PackedPairSearcher(literals)
        // Teddy's cost does not grow with the number of literals. With AVX2 (32 bytes a
        // step) it beats packed pairs even for one literal (measured on the generated
        // corpus, one core: seed dovecot's 5 literals 3.0 GB/s against 1.9, qpoppermail's
        // one 4.1 against 3.6). With SSSE3 only (16 bytes a step) packed pairs win for a
        // few literals (5: 1.6 GB/s against 1.2) and lose for many (12: 0.7 against 1.8).
        let teddy = TeddySearcher(literals)
        self.teddy = (teddy?.wide ?? false) || literals.count > Self.packedPairLimit ? teddy : nil
    }

    /// Without AVX2, up to this many literals the packed-pair searcher is used.
    static let packedPairLimit = 6

    let searcher: PackedPairSearcher
    /// Teddy when the CPU has SSSE3 (one pass for up to 64 literals); else packed pairs.
    let teddy: TeddySearcher?

    /// Prefilters are equal when they search the same literals.
    public static func == (a: Prefilter, b: Prefilter) -> Bool { a.literals == b.literals }

    /// Per-buffer search state: the next known hit of each literal.
    public struct Cursor {
        var next: [Int] = []
        /// A cursor at the start of a buffer.
        public init() {}
    }

    /// The offset of the first literal hit at or after `from`, or nil if none remains.
    @inline(__always)
    public func nextHit(in buffer: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Cursor) -> Int? {
        if let teddy { return teddy.firstHit(in: buffer, from: from) }
        return searcher.firstHit(in: buffer, from: from)
    }

    /// The packed-pair searcher's answer (the fallback where Teddy is unavailable).
    package func nextHitByPackedPairs(in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        searcher.firstHit(in: buffer, from: from)
    }

    /// The same as ``nextHit(in:from:cursor:)``, with one `memmem` pass per literal (the
    /// reference the packed-pair searcher is tested and measured against).
    package func nextHitByMemmem(in buffer: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Cursor) -> Int? {
        if cursor.next.count != literals.count { cursor.next = Array(repeating: -1, count: literals.count) }
        var best = Int.max
        for index in literals.indices {
            var hit = cursor.next[index]
            if hit < from && hit != Int.max {
                hit = Self.find(literals[index], in: buffer, from: from)
                cursor.next[index] = hit
            }
            if hit < best { best = hit }
        }
        return best == Int.max ? nil : best
    }

    @inline(__always)
    static func find(_ literal: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard from < buffer.count, let base = buffer.baseAddress else { return Int.max }
        return literal.withUnsafeBytes { needle -> Int in
            guard let found = cmemsearch_memmem(base + from, buffer.count - from, needle.baseAddress, needle.count) else { return Int.max }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `other` occurs in these bytes (an empty `other` does).
    package func contains(subsequence other: [UInt8]) -> Bool {
        guard other.count <= count else { return false }
        if other.isEmpty { return true }
        for start in 0...(count - other.count) where self[start..<(start + other.count)].elementsEqual(other) { return true }
        return false
    }
}
