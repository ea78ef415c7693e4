import Foundation
import TestSupport
import Testing

@testable import Matcher

/// fail2ban decodes each line with `bytes.decode("utf-8", "replace")`; failscan's repair
/// must give the same text (each maximal invalid subsequence one U+FFFD), and decide which
/// lines need the Unicode-text variant at all.
@Suite struct UnicodeTextTests {
    @Test func repairEqualsPythonsDecoding() throws {
        var generator = SeededGenerator(seed: 77)
        let pieces: [[UInt8]] = [
            [0x41], [0x20], [0xC2, 0xA0], [0xE3, 0x81, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xFF], [0xC0, 0x80], [0xE0, 0x80, 0x80],
            [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE3, 0x81], [0xF0, 0x9F], [0x80], [0xC2], [0xF5], [0x1C],
        ]
        var cases: [[UInt8]] = []
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            if Bool.random(using: &generator) { bytes.append(UInt8.random(in: 0x80...0xFF, using: &generator)) }
            cases.append(bytes)
        }
        let input = cases.map { $0.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("cases.txt")
        try input.write(to: file, atomically: true, encoding: .utf8)
        let python = try TestSupport.run(
            "/usr/bin/python3",
            [
                "-c",
                "import sys\nfor l in open(sys.argv[1]):\n print(bytes.fromhex(l.strip()).decode('utf-8','replace').encode('utf-8').hex())",
                file.path,
            ])
        #expect(python.status == 0, "\(python.stderr)")
        let expected = python.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, bytes) in cases.enumerated() {
            var out: [UInt8] = []
            let replaced = bytes.withUnsafeBufferPointer { UnicodeText.repair($0, into: &out) }
            #expect(out.map { String(format: "%02x", $0) }.joined() == expected[index], "case \(index)")
            #expect(replaced == (out != bytes))
            #expect(bytes.withUnsafeBufferPointer { UnicodeText.isValidUTF8($0) } == !replaced, "case \(index)")
        }
    }

    /// The validity check (C, ASCII skipped 16 bytes a step) agrees with the repair,
    /// sequence by sequence: seeded lines of every length around the 16-byte steps, of
    /// ASCII and of valid, truncated, overlong and out-of-range sequences.
    @Test func validityAgreesWithTheRepair() {
        var generator = SeededGenerator(seed: 0x0008_0808)
        let pieces: [[UInt8]] = [
            [0x61], [0x20], [0xC3, 0xA9], [0xE7, 0x94, 0xB0], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xE7, 0x94], [0xF0, 0x9F, 0x98],
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80], [0xEF, 0xBF, 0xBD],
        ]
        var invalid = 0
        for length in 0..<80 {
            for _ in 0..<40 {
                var line: [UInt8] = Array(repeating: 0x61, count: length)
                for _ in 0..<Int(generator.next() % 3) {
                    let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
                    line.insert(contentsOf: piece, at: Int(generator.next() % UInt64(line.count + 1)))
                }
                var out: [UInt8] = []
                let replaced = line.withUnsafeBufferPointer { UnicodeText.repair($0, into: &out) }
                let valid = line.withUnsafeBufferPointer { UnicodeText.isValidUTF8($0) }
                #expect(valid == !replaced, "\(line.map { String(format: "%02x", $0) }.joined())")
                if !valid { invalid += 1 }
            }
        }
        #expect(invalid > 300)
    }

    @Test func whichLinesNeedTheUnicodeVariant() {
        func needs(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { UnicodeText.needsUnicode($0) } }
        #expect(!needs(Array("Failed password for root from 192.0.2.1 port 22 ssh2\n".utf8)))
        #expect(!needs(Array("\t\u{7}\u{1B}~ plain ASCII, control bytes outside 0x1C-0x1F".utf8)))
        // Every length around the 16-byte steps (the last block overlaps the one before),
        // the byte at every position, and the bytes around the range (0x1B, 0x20, 0x7F) not.
        for length in 1..<70 {
            #expect(!needs(Array(repeating: 0x1B, count: length) + [0x20, 0x7F]), "\(length) bytes")
            for position in 0..<length {
                for byte: UInt8 in [0x1C, 0x1D, 0x1E, 0x1F, 0x80, 0xC2, 0xFF] {
                    var line = Array(repeating: UInt8(ascii: "a"), count: length)
                    line[position] = byte
                    #expect(needs(line), "byte \(byte) at \(position) of \(length)")
                }
            }
        }
    }
}
