import Synchronization

/// A filter's Unicode-text variant (``UnicodeTextMatcher``), compiled when a line first
/// needs it: most logs are ASCII, and compiling it with every filter was 15% of sshd's
/// start-up (16.3M of 108.9M instructions, callgrind). Copies of the filter share it, so
/// it is compiled once, by whichever thread first meets such a line.
final class UnicodeTextVariant: @unchecked Sendable {
    // SAFETY: `build` runs at most once, under `lock`, which also guards `built`;
    // `variant` and `unretained` are written there before `ready` is set (releasing) and
    // read only after `ready` is seen set (acquiring), never written again.
    private let ready = Atomic<Bool>(false)
    private let lock = Mutex<Bool>(false)
    private let build: () -> UnicodeTextMatcher?
    private var variant: UnicodeTextMatcher?
    private var unretained: Unmanaged<UnicodeTextMatcher>?

    /// - Parameter build: compiles the variant; nil when a pattern does not compile as
    ///   UTF-8 (the filter then keeps its byte meaning on every line).
    init(_ build: @escaping () -> UnicodeTextMatcher?) { self.build = build }

    /// The variant, compiled on first use.
    var matcher: UnicodeTextMatcher? {
        prepare()
        return variant
    }

    /// The same, unretained for per-line calls: this object holds the variant for as
    /// long as any copy of the filter exists.
    var reference: Unmanaged<UnicodeTextMatcher>? {
        prepare()
        return unretained
    }

    @inline(__always)
    private func prepare() {
        if ready.load(ordering: .acquiring) { return }
        lock.withLock { built in
            guard !built else { return }
            variant = build()
            unretained = variant.map { Unmanaged.passUnretained($0) }
            built = true
            ready.store(true, ordering: .releasing)
        }
    }
}
