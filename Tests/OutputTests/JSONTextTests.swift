import Analyzer
import Foundation
import Output
import OutputBasics
import TestSupport
import Testing

/// The JSON written by hand (``JSONText``, `JailRow` and `MatchedLineRow`) is byte for byte what
/// `JSONEncoder` writes with sorted keys and unescaped slashes: seeded random rows whose
/// strings hold every control byte, quotes, backslashes, slashes, DEL and non-ASCII text,
/// failregex numbers past 9 (sorted as strings), integers of every size and sign.
@Suite struct JSONTextTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    @Test func jailRowsAreWhatJSONEncoderWrites() throws {
        var generator = SeededGenerator(seed: 31)
        let alphabet = (0..<0x20).map { Character(Unicode.Scalar($0)) } + Array("\u{7f}\"\\/ abc.:é日ü🙂")
        func text() -> String {
            String((0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        func int() -> Int {
            switch generator.next() % 5 {
            case 0: return Int(generator.next() % 10)
            case 1: return -Int(generator.next() % 1000)
            case 2: return Int(truncatingIfNeeded: generator.next())
            case 3: return [Int.max, Int.min, -1, 0][Int(generator.next() % 4)]
            default: return 1_700_000_000 + Int(generator.next() % 100_000_000)
            }
        }
        for _ in 0..<3000 {
            var row = JailRow(JailRecord(id: .other("")), jail: "")
            row.ip = text()
            row.jail = text()
            row.failures = int()
            row.first = int()
            row.last = int()
            row.banned = generator.next() % 2 == 0
            row.bans = (0..<Int(generator.next() % 4)).map { _ in int() }
            row.until = (0..<Int(generator.next() % 4)).map { _ in int() }
            row.failregex = Dictionary(
                (0..<Int(generator.next() % 6)).map { _ in (String(generator.next() % 30), int()) }, uniquingKeysWith: { a, _ in a })
            var written: [UInt8] = []
            row.writeJSON(to: &written)
            let standard = Array(try Self.encoder.encode(row))
            #expect(written == standard, "\(String(decoding: written, as: UTF8.self)) != \(String(decoding: standard, as: UTF8.self))")
        }
    }

    @Test func matchedLineRowsAreWhatJSONEncoderWrites() throws {
        var generator = SeededGenerator(seed: 37)
        let alphabet = (0..<0x20).map { Character(Unicode.Scalar($0)) } + Array("\u{7f}\"\\/ abc.:é日ü🙂")
        func text() -> String {
            String((0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        let names = ["user", "users", "attempts", "ip4", "ip6", "mlfid", "F-USER", "cond_inv", "Z", "a"]
        for _ in 0..<3000 {
            var values: [String: String] = [:]
            for _ in 0..<Int(generator.next() % 6) {
                let name = names[Int(generator.next() % UInt64(names.count))]
                switch name {
                case "users": values[name] = (0..<Int(generator.next() % 4)).map { _ in text() }.joined(separator: "\u{1f}")
                case "attempts": values[name] = generator.next() % 4 == 0 ? text() : String(generator.next() % 100)
                default: values[name] = text()
                }
            }
            let row = MatchedLineRow(
                file: text(), line: Int(generator.next() % 1_000_000), time: 1_700_000_000 + Int(generator.next() % 100_000_000),
                ip: text(), failregex: 1 + Int(generator.next() % 20), fields: .init(values: values))
            var written: [UInt8] = []
            row.writeJSON(to: &written)
            let standard = Array(try Self.encoder.encode(row))
            #expect(written == standard, "\(String(decoding: written, as: UTF8.self)) != \(String(decoding: standard, as: UTF8.self))")
        }
    }
}
