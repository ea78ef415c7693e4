import Matcher
import TestSupport
import Testing

/// Line counting (line numbers of every failure) against the definition: one line per
/// newline, and a last line without one; seeded buffers of every length up to 200 bytes
/// around the 16-byte steps, with newlines dense and sparse.
@Suite struct LineCountTests {
    @Test func countLinesAsDefined() {
        var generator = SeededGenerator(seed: 21)
        for length in 0...200 {
            for density: UInt64 in [2, 7, 40] {
                let bytes = (0..<length).map { _ in generator.next() % density == 0 ? UInt8(10) : UInt8(97 + generator.next() % 26) }
                let expected = bytes.filter { $0 == 10 }.count + (bytes.last.map { $0 == 10 ? 0 : 1 } ?? 0)
                let counted = bytes.withUnsafeBufferPointer { LineScanner.countLines(in: $0) }
                #expect(counted == expected, "\(length) bytes, one newline in \(density)")
            }
        }
    }
}
