import CPCRE2

/// A compiled pattern as plain values, for per-line loops: copying it costs no reference
/// counting. (Several workers retaining the same shared `PCRE2Regex` objects for every line
/// made the reference counts' cache lines bounce between cores: perf showed
/// `swift_retain`/`swift_release` at 58% of a two-thread sshd run.) Valid as long as the
/// `PCRE2Regex` it came from lives; its owner keeps both.
package struct PCRE2Handle: @unchecked Sendable {
    // SAFETY: `code` is immutable and owned by a PCRE2Regex that outlives every use (the
    // handle is stored beside it); PCRE2 allows concurrent matching with per-thread match data.
    let code: OpaquePointer
    let jit: Bool

    /// Whether the pattern matches `subject[start...]` (see ``PCRE2Regex/search(_:length:from:scratch:)``).
    @inline(__always)
    package func search(
        _ subject: UnsafePointer<UInt8>, length: Int, from start: Int = 0,
        scratch: PCRE2Scratch
    ) throws(PCRE2Error) -> Bool {
        let rc: Int32
        if jit {
            let jitted = pcre2_jit_match_8(code, subject, length, start, 0, scratch.matchData, scratch.matchContext)
            // The JIT's stack is fixed (1 MiB); a lazy group over a value of hundreds of
            // KiB can outgrow it where the interpreter, whose frames live on the heap, still
            // finds the match that Python's re finds. Such a line is matched again by it.
            rc =
                jitted == PCRE2_ERROR_JIT_STACKLIMIT
                ? pcre2_match_8(code, subject, length, start, UInt32(PCRE2_NO_JIT), scratch.matchData, scratch.matchContext)
                : jitted
        } else {
            rc = pcre2_match_8(code, subject, length, start, 0, scratch.matchData, scratch.matchContext)
        }
        if rc > 0 { return true }
        if rc == PCRE2_ERROR_NOMATCH { return false }
        // 0: the match data was too small, a programmer error (scratch sized for another regex).
        precondition(rc != 0, "PCRE2Scratch too small for its pattern")
        throw PCRE2Error(kind: .match, code: rc)
    }
}
