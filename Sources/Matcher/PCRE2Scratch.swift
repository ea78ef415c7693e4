import CPCRE2

/// One worker's PCRE2 state: match data, a match context with limits, and a JIT stack.
///
/// Not `Sendable`: each worker thread creates its own and no lock is ever taken in
/// the hot path. Its match data is sized for the largest pattern it will serve.
public final class PCRE2Scratch {
    /// Limits that turn a catastrophic pattern into a failed line instead of a hung scan.
    public struct Limits: Sendable {
        /// PCRE2's match limit (backtracking steps); PCRE2's default is 10,000,000.
        public var match: UInt32 = 10_000_000
        /// PCRE2's depth limit (nested backtracking frames).
        public var depth: UInt32 = 10_000_000
        /// Maximum JIT stack in bytes.
        public var jitStack: Int = 1 << 20
        /// The limits above: PCRE2's match and depth defaults, a 1 MiB JIT stack.
        public init() {}
    }

    let matchData: OpaquePointer
    let matchContext: OpaquePointer
    let jitStack: OpaquePointer?
    let ovector: UnsafeMutablePointer<Int>
    /// How many capture pairs the match data holds.
    public let pairCount: Int

    /// Creates scratch for patterns with at most `captureCount` groups.
    public init(captureCount: Int, limits: Limits = Limits()) {
        let pairs = captureCount + 1
        guard let data = pcre2_match_data_create_8(UInt32(pairs), nil),
            let context = pcre2_match_context_create_8(nil)
        else { fatalError("PCRE2 could not allocate match data (out of memory)") }
        pcre2_set_match_limit_8(context, limits.match)
        pcre2_set_depth_limit_8(context, limits.depth)
        let stack = pcre2_jit_stack_create_8(32 * 1024, limits.jitStack, nil)
        if let stack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(stack)) }
        self.matchData = data
        self.matchContext = context
        self.jitStack = stack
        self.pairCount = pairs
        self.ovector = pcre2_get_ovector_pointer_8(data)
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(matchContext)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// The byte range captured by `group` in the last successful match, or nil when the
    /// group did not take part.
    @inline(__always)
    public func range(ofGroup group: Int) -> Range<Int>? {
        guard group < pairCount else { return nil }
        let start = ovector[2 * group]
        let end = ovector[2 * group + 1]
        if start == cpcre2_unset() || end < start { return nil }
        return start..<end
    }
}
