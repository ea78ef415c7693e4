import Matcher
import TestSupport
import Testing

/// Line counting (line numbers of every failure) against the definition: one line per
/// newline, and a last line without one; seeded buffers of every length up to 200 bytes
/// around the 16- and 32-byte steps, with newlines dense and sparse, and long buffers
/// around the 255 steps of 32 bytes after which the AVX2 counter sums its byte counters
/// (all newlines there: a counter that wrapped would show).
@Suite struct LineCountTests {
    @Test func countLinesAsDefined() {
        var generator = SeededGenerator(seed: 21)
        for length in Array(0...200) + [8159, 8160, 8161, 8192, 16_319, 16_320, 16_351, 40_000] {
            for density: UInt64 in [1, 2, 7, 40] {
                let bytes = (0..<length).map { _ in generator.next() % density == 0 ? UInt8(10) : UInt8(97 + generator.next() % 26) }
                let expected = bytes.filter { $0 == 10 }.count + (bytes.last.map { $0 == 10 ? 0 : 1 } ?? 0)
                let counted = bytes.withUnsafeBufferPointer { LineScanner.countLines(in: $0) }
                #expect(counted == expected, "\(length) bytes, one newline in \(density)")
            }
        }
    }
}
