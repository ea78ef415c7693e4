import Matcher

/// What one chunk of whole lines gave. Chunks are matched independently (on any
/// thread); what depends on earlier chunks (line numbers, the date of an undated line at
/// the top of a chunk, the merge of multi-line ids) is settled when the chunks are put
/// back in order.
package struct ChunkMatches: Sendable {
    /// Failures in line order; `line` is relative to the chunk (1-based) when counted.
    package var failures: [Failure] = []
    /// Indices into `failures` of undated failures with no dated line above them in
    /// this chunk: they take the date carried from the chunks before.
    package var pendingTime: [Int] = []
    /// The successful logins of a success filter (``ScanFilter/gathersLogins``), instead
    /// of failures.
    var logins = LoginBatch()
    /// Matches of a multi-line filter (`<F-MLFID>`), in line order, for the merge.
    package var multiLine: [MultiLineMatch] = []
    /// The fields of `multiLine`'s matches, one after the other.
    package var multiLineFields: [UInt8] = []
    /// The date of the chunk's last dated line, if any.
    package var lastTime: Int?
    /// Lines in the chunk (counted only in detailed mode).
    package var lines = 0
    package var counters = FilterCounters()
}
