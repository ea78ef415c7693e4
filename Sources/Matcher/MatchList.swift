/// The failregex matches of many lines (a chunk's), their fields in one buffer, and the
/// ignoreregexes that matched: matching a line allocates nothing once the list has grown to
/// its chunk (a buffer per match, made on a worker and freed on the thread that applies it,
/// made both wait on the allocator).
package struct MatchList {
    /// One failregex match.
    package struct Match {
        /// The failregex that matched, 0-based.
        package var failregexIndex: Int
        /// Its fields (prefregex and failregex groups merged, alternates applied): the raw
        /// bytes of a ``FieldValues`` (``FieldValues/withRawBytes(_:)``) in ``MatchList/fieldBytes``.
        package var fields: Range<Int>
        /// The match's byte range in the subject, or nil when the prefregex's content (or a
        /// repaired line) replaced the subject.
        package var range: Range<Int>?
        /// The lines its `<SKIPLINES>` took (fail2ban's `getSkippedLines`; they stay in a
        /// multi-line buffer): these indices of ``MatchList/skippedLines``.
        package var skipped: Range<Int>
    }

    package private(set) var matches: [Match] = []
    package private(set) var fieldBytes: [UInt8] = []
    package private(set) var skippedLines: [[UInt8]] = []
    /// Ignoreregexes (0-based) that matched, named by ``LineMatches``.
    package private(set) var ignored: [Int] = []

    package init() {}

    /// Empties the list, keeping its capacity. Most lines leave it empty: an array emptied
    /// again still went through `replaceSubrange` (about 200 instructions a line for the
    /// report on one thread, which empties it on every line; on several, once a chunk).
    package mutating func removeAll() {
        if !matches.isEmpty { matches.removeAll(keepingCapacity: true) }
        if !fieldBytes.isEmpty { fieldBytes.removeAll(keepingCapacity: true) }
        if !skippedLines.isEmpty { skippedLines.removeAll(keepingCapacity: true) }
        if !ignored.isEmpty { ignored.removeAll(keepingCapacity: true) }
    }

    /// The raw bytes of `match`'s fields (``FieldValues/load(_:count:)`` reads them).
    package func withFields<R>(of match: Match, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try fieldBytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[match.fields])) }
    }

    mutating func appendIgnored(_ ignoreregex: Int) { ignored.append(ignoreregex) }

    mutating func append(_ failregex: Int, fields: borrowing FieldValues, range: Range<Int>?, skipped: [[UInt8]]) {
        let start = fieldBytes.count
        fields.withRawBytes { fieldBytes.append(contentsOf: $0) }
        let first = skippedLines.count
        skippedLines += skipped
        matches.append(
            Match(failregexIndex: failregex, fields: start..<fieldBytes.count, range: range, skipped: first..<skippedLines.count))
    }

    /// Forgets the subject ranges of the matches from `first` on (their subject was
    /// replaced).
    mutating func dropRanges(from first: Int) {
        for k in first..<matches.count { matches[k].range = nil }
    }
}
