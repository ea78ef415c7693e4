/// A line matcher: the small protocol between the search loop and a regex engine
/// (grep-matcher's cut).
///
/// The contract of ``candidateLine(in:from:cursor:)`` is *false positives allowed, false
/// negatives never*: it may point at lines that do not match, but never skips one that
/// does. The default implementation points at every line.
public protocol LineMatcher: Sendable {
    /// The offset of the next line at or after `from` that may match, or nil if none.
    func candidateLine(in buffer: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Prefilter.Cursor) -> CandidateLine?
}

extension LineMatcher {
    /// Every line is a candidate.
    public func candidateLine(in buffer: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Prefilter.Cursor) -> CandidateLine? {
        from < buffer.count ? .candidate(from) : nil
    }
}
