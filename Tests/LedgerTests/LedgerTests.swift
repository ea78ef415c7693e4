import Analyzer
import Foundation
import TestSupport
import Testing

@testable import Ledger

/// The ledger's groups written by hand are what `JSONEncoder` writes and read back as
/// `JSONDecoder` reads them, and the
/// fast reader agrees with `JSONDecoder` on every line it takes (seeded random groups,
/// users with quotes, backslashes, control bytes and non-ASCII text).
@Suite struct LedgerTests {
    static func randomGroup(_ generator: inout SeededGenerator) -> LedgerGroup {
        let alphabet = Array("abc \"\\\u{1}\u{1f}\t\né日ü/") + ["x"]
        func text() -> String {
            String((0..<Int(generator.next() % 8)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        let count = 1 + Int(generator.next() % 6)
        var failures: [Failure] = []
        var time = 1_700_000_000, line = 0
        for _ in 0..<count {
            time += Int(generator.next() % 1000)
            line += 1 + Int(generator.next() % 50)
            let user = generator.next() % 3 == 0 ? nil : text()
            failures.append(
                Failure(
                    id: .address(.v4(UInt32(truncatingIfNeeded: generator.next()))), time: time, file: 0, line: line,
                    failregex: Int(generator.next() % 3), fields: user.map { ["user": $0] }))
        }
        let ids: [FailureID] = [failures[0].id, .host(text() + "host"), .other(text())]
        return LedgerGroup(
            jail: Int(generator.next() % 4), id: ids[Int(generator.next() % 3)], file: Int(generator.next() % 9), failures: failures)
    }

    @Test func handWrittenLinesReadAsJSON() throws {
        var generator = SeededGenerator(seed: 13)
        var fast = 0
        for _ in 0..<2000 {
            let group = Self.randomGroup(&generator)
            var line: [UInt8] = []
            group.write(to: &line)
            let decoded = try JSONDecoder().decode(LedgerGroup.self, from: Data(line))
            #expect(decoded == group, "\(String(decoding: line, as: UTF8.self))")
            if let parsed = LedgerGroup.parse(line) {
                #expect(parsed == group)
                fast += 1
            } else {
                #expect(line.contains(92), "only lines with an escape leave the fast reader")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let standard = Array(try encoder.encode(group))
            #expect(line == standard, "written by hand as JSONEncoder writes it")
            if let parsed = LedgerGroup.parse(standard) { #expect(parsed == group) }
        }
        #expect(fast > 100, "the fast reader takes the lines without an escape")
    }

    @Test func theFastReaderRefusesWhatIsNotAGroup() {
        for text in [
            "", "{", "{}", #"{"f":1}"#, #"{"f":1,"i":"x","j":0,"k":"a","l":[1],"r0":0,"t":[1],"z":2}"#, #"{"f":99999999999999999999}"#,
        ] {
            #expect(LedgerGroup.parse(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
