/// Where the next line that may match starts, as told by a matcher's candidate hook.
public enum CandidateLine: Sendable, Equatable {
    /// The line containing this offset may match; the full matcher must confirm it.
    case candidate(Int)

    /// The offset inside the candidate line.
    public var offset: Int {
        switch self {
        case .candidate(let o): return o
        }
    }
}
