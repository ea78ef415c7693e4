import CMemSearch
import TestSupport
import Testing

/// The gate's substring search (SSE2, first and last bytes) finds what glibc's memmem
/// finds: seeded haystacks of every length up to 300 bytes around the 16-byte steps,
/// needles of 1 to 24 bytes taken from the haystack or made up, over a small alphabet so
/// that near misses (first and last bytes right, middle wrong) are common.
@Suite struct ShortSearchTests {
    @Test func findsWhatMemmemFinds() {
        var generator = SeededGenerator(seed: 41)
        for length in 0...300 {
            let haystack = (0..<length).map { _ in UInt8(97 + generator.next() % 3) }
            for _ in 0..<12 {
                let size = 1 + Int(generator.next() % 24)
                var needle = (0..<size).map { _ in UInt8(97 + generator.next() % 3) }
                if generator.next() % 2 == 0, size <= length {
                    let from = Int(generator.next() % UInt64(length - size + 1))
                    needle = Array(haystack[from..<from + size])
                }
                haystack.withUnsafeBytes { h in
                    needle.withUnsafeBytes { n in
                        let expected = cmemsearch_memmem(h.baseAddress, h.count, n.baseAddress, n.count)
                        let found = cmemsearch_find_short(h.baseAddress, h.count, n.baseAddress, n.count)
                        #expect(found == expected, "\(length)-byte haystack, \(size)-byte needle")
                    }
                }
            }
        }
    }
}
