import CMemSearch

/// The Teddy multi-literal searcher (SIMD nibble shuffles over 16-byte blocks, up to 64
/// literals in 8 buckets, one pass) from `CMemSearch`, with literals cut to start at
/// their rarest three bytes: a literal's suffix is as required as the literal, and
/// Teddy's fingerprint is a needle's first three bytes.
final class TeddySearcher: @unchecked Sendable {
    // SAFETY: `state` is filled in `init` and only read afterwards (by any thread).
    let state: UnsafeMutablePointer<cmemsearch_teddy>
    /// 32 bytes a step where the CPU has AVX2, 16 otherwise.
    let wide: Bool

    /// Per needle, the union of the owner masks of the literals it stands for (empty when
    /// built without owners).
    let owners: [UInt32]

    /// Builds a searcher, or nil when this CPU lacks SSSE3 or the literals do not fit.
    /// - Parameters:
    ///   - owners: per literal, a bit mask of who wants it (``JointPrefilter``): a hit says
    ///     whose literals start there.
    ///   - wide: force the 32-byte (AVX2) or 16-byte (SSSE3) kernel; nil picks by CPU.
    init?(_ literals: [[UInt8]], owners literalOwners: [UInt32]? = nil, wide requested: Bool? = nil) {
        #if arch(x86_64)
            guard cmemsearch_teddy_supported() != 0, !literals.isEmpty, literals.count <= 64 else { return nil }
            var needles: [[UInt8]] = []
            var owners: [UInt32] = []
            for (k, literal) in literals.enumerated() {
                let needle = Self.fingerprint(literal)
                let owner = literalOwners?[k] ?? 0
                if let known = needles.firstIndex(of: needle) {
                    owners[known] |= owner
                } else {
                    needles.append(needle)
                    owners.append(owner)
                }
            }
            self.owners = literalOwners == nil ? [] : owners
            // Needles sharing a fingerprint share a bucket; the rest are spread over the others.
            var bucketOf: [[UInt8]: UInt32] = [:]
            var next: UInt32 = 0
            let avx2 = cmemsearch_teddy_avx2_supported() != 0
            if requested == true && !avx2 { return nil }
            wide = requested ?? avx2
            state = .allocate(capacity: 1)
            state.initialize(to: cmemsearch_teddy())
            for needle in needles {
                let key = Array(needle.prefix(3))
                let bucket =
                    bucketOf[key]
                    ?? {
                        defer { next = (next + 1) % 8 }
                        return next
                    }()
                bucketOf[key] = bucket
                let added = needle.withUnsafeBufferPointer { cmemsearch_teddy_add(state, $0.baseAddress, UInt32($0.count), bucket) }
                // Every stored property is set by now, so a failed init runs deinit, which
                // frees `state` (freeing it here too was a double free, found by scripts/fuzz).
                if added == 0 { return nil }
            }
        #else
            return nil
        #endif
    }

    deinit { state.deallocate() }

    /// The offset of the first needle occurrence at or after `from` and the union of the
    /// owners of the needles there, or nil.
    @inline(__always)
    func firstOwnedHit(in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> (offset: Int, owners: UInt32)? {
        #if arch(x86_64)
            guard let base = buffer.baseAddress, from < buffer.count else { return nil }
            var found: UInt32 = 0
            let hit = owners.withUnsafeBufferPointer { owners in
                wide
                    ? cmemsearch_teddy_scan_avx2(state, owners.baseAddress, base, buffer.count, from, &found)
                    : cmemsearch_teddy_scan(state, owners.baseAddress, base, buffer.count, from, &found)
            }
            return hit < 0 ? nil : (hit, found)
        #else
            return nil
        #endif
    }

    /// A literal from its rarest 3-byte window on (ties keep the longer suffix).
    static func fingerprint(_ literal: [UInt8]) -> [UInt8] {
        var best = 0, bestScore = Int.max
        if literal.count > 3 {
            for k in 0...(literal.count - 3) where literal.count - k >= 4 || k == 0 {
                let score = (0..<3).reduce(0) { $0 + Int(ByteFrequency.rank[Int(literal[k + $1])]) }
                if score < bestScore {
                    bestScore = score
                    best = k
                }
            }
        }
        return Array(literal[best...])
    }

    /// The offset of the first needle occurrence at or after `from`, or nil.
    @inline(__always)
    func firstHit(in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        #if arch(x86_64)
            guard let base = buffer.baseAddress, from < buffer.count else { return nil }
            let hit =
                wide ? cmemsearch_teddy_find_avx2(state, base, buffer.count, from) : cmemsearch_teddy_find(state, base, buffer.count, from)
            return hit < 0 ? nil : hit
        #else
            return nil
        #endif
    }
}
