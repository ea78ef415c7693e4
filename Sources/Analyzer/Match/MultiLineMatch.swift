import Matcher

/// A failregex match of a filter whose failures depend on earlier matches (`<F-MLFID>`):
/// everything the sequential merge needs, found on any thread.
package struct MultiLineMatch: Sendable {
    /// 0-based index of the failregex that matched.
    package var failregex: Int
    /// fail2ban's failure dict (prefregex and failregex groups, alternates applied): where
    /// its ``FieldValues`` bytes (``FieldValues/withRawBytes(_:)``) are in the chunk's
    /// ``ChunkMatches/multiLineFields``. One buffer per chunk, not one per match: the
    /// matches are made on the workers and merged on another thread, and a buffer per
    /// match, freed there, made the two threads wait on each other's malloc arena.
    package var fields: Range<Int>
    /// Unix time of the line; nil until the date of the line above it is known.
    package var time: Int?
    /// 1-based line number (chunk-relative until the assembler settles it).
    package var line: Int
    /// How many lines the match covered (more than one only with `maxlines`).
    package var matchedLines: Int
    /// The hash of its `<F-MLFID>` value (``FNV1a``), found on the worker so that the
    /// sequential merge does not hash; nil: the merge hashes it.
    package var mlfidHash: UInt64? = nil
}
