import Foundation
import Output
import TestSupport
import Testing

/// ``PythonRepr`` against Python's own `repr`: seeded random texts drawn from quotes,
/// backslashes, every control character, DEL, Latin-1, format and separator characters,
/// private use, unassigned code points, CJK and emoji; tuples of texts and `None`.
@Suite struct PythonReprTests {
    @Test func textsAndTuplesAreWhatPythonPrints() throws {
        var generator = SeededGenerator(seed: 47)
        let pool: [ClosedRange<UInt32>] = [
            0x00...0x7F, 0x22...0x27, 0x5C...0x5C, 0x80...0xFF, 0x2000...0x206F, 0xE000...0xE010, 0x0378...0x0379, 0x4E00...0x4E10,
            0x1F600...0x1F64F, 0xFFF0...0xFFFF, 0x1D173...0x1D17A,
        ]
        var texts: [String] = ["", "'", "\"", "'\"", "\\", "it's", "say \"hi\""]
        for _ in 0..<400 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<(1 + generator.next() % 12) {
                let range = pool[Int(generator.next() % UInt64(pool.count))]
                let value = range.lowerBound + UInt32(generator.next() % UInt64(range.count))
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            texts.append(String(scalars))
        }
        let input = try JSONSerialization.data(withJSONObject: texts.map { [$0] })
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("texts.json").path
        #expect(FileManager.default.createFile(atPath: path, contents: input))
        let script = """
            import json, sys
            for (t,) in json.load(open(sys.argv[1], encoding='utf-8')):
                print(json.dumps([repr(t), repr((t, None)), repr((t,))]))
            """
        let python = try TestSupport.run("/usr/bin/python3", ["-c", script, path])
        #expect(python.status == 0, "\(python.stderr)")
        let expected = python.stdout.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String]
        }
        #expect(expected.count == texts.count)
        for (text, want) in zip(texts, expected) {
            #expect(PythonRepr.string(text) == want[0], "\(Array(text.unicodeScalars.map(\.value)))")
            #expect(PythonRepr.tuple([text, nil]) == want[1])
            #expect(PythonRepr.tuple([text]) == want[2])
        }
        #expect(PythonRepr.dict([("a", "None"), ("b", PythonRepr.string("x"))]) == "{'a': None, 'b': 'x'}")
    }
}
