import TestSupport
import Testing

@testable import Matcher

/// The prefregex's single-line form (`(?P<content>.+)$` run as a lookahead) against the
/// pattern as written.
@Suite struct LineContentPatternTests {
    @Test func takesOnlyAContentGroupThatEndsThePatternAtItsTopLevel() {
        let taken = [
            #"^(?P<mlfid>\s*(?:\S+\s+)?)(?:(?:error|fatal): )?(?P<content>.+)$"#,
            #"^[(](?P<content>.+)$"#,
            #"^[]|)](?P<content>.+)$"#,
            #"^[^]([:alpha:]](?P<content>.+)$"#,
            #"(?i)^a\)(?P<content>.+)$"#,
            #"^(?:a|b)(?P<content>.+)$"#,
        ]
        for pattern in taken {
            #expect(CompiledFilterRegex.lineContentPattern(pattern)?.hasSuffix("(?P<content>(?=.))") == true, "\(pattern)")
        }
        let declined = [
            #"^a|b(?P<content>.+)$"#,
            #"^(?:a(?P<content>.+)$)"#,
            #"^(?:a(?P<content>.+))$"#,
            #"^\(?P<content>.+)$"#,
            #"^(?s)a(?P<content>.+)$"#,
            #"^(?x) a (?P<content>.+)$"#,
            #"^(?#c)(?P<content>.+)$"#,
            #"(*CR)^(?P<content>.+)$"#,
            #"^\Q(\E(?P<content>.+)$"#,
            #"^[(?P<content>.+)$"#,
            #"^(?P<content>.+?)$"#,
            #"^(?P<content>.+)\Z"#,
        ]
        for pattern in declined {
            #expect(CompiledFilterRegex.lineContentPattern(pattern) == nil, "\(pattern)")
        }
    }

    /// Seeded subjects, most of them lines as the scanner makes them (`\n` last), some with
    /// a `\n` inside or none at the end: the prefregex's match, its groups and its content
    /// are the pattern's as written.
    @Test func agreesWithThePatternAsWrittenOnSeededSubjects() throws {
        let prefregexes = [
            #"^<F-MLFID>(?:\[\])?\s*(?:\S+\s+)?(?:(?:\[\d+\])?:\s+[\[\(]?sshd(?:\(\S+\))?[\]\)]?:?|[\[\(]?sshd(?:\(\S+\))?[\]\)]?:?(?:\[\d+\])?:?)?\s*</F-MLFID>(?:error: )?<F-CONTENT>.+</F-CONTENT>$"#,
            #"^\s*(?:h+ )?<F-CONTENT>.+</F-CONTENT>$"#,
            #"^(?:a|s+)?[^\n]*?: <F-CONTENT>.+</F-CONTENT>$"#,
            #"(?i)^S?<F-CONTENT>.+</F-CONTENT>$"#,
        ]
        let alphabet = Array(" hsd[]1:\n\naer\t()".utf8)
        var random = SeededGenerator(seed: 0x6c69_6e65)
        var subjects: [[UInt8]] = ["\n", "", "sshd: x\n", "h sshd[1]: error: a\nb\n", "a: \n", "a: b"].map { Array($0.utf8) }
        for _ in 0..<20_000 {
            var line = (0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            line.removeAll { $0 == 10 && Int.random(in: 0..<4, using: &random) != 0 }
            if Int.random(in: 0..<8, using: &random) != 0 { line.append(10) }
            subjects.append(line)
        }
        for source in prefregexes {
            let matcher = try FilterMatcher(FilterPatterns(prefregex: source, failregex: ["<HOST>"]))
            let written = try #require(matcher.prefregex)
            #expect(matcher.prefLineHandle != nil, "\(source)")
            let group = try #require(matcher.prefContentGroup)
            let scratch = matcher.makeScratch()
            var matched = 0
            // Subjects the line form alone takes (a `\n` inside the content): the check after it.
            var lineFormAlone = 0
            for subject in subjects {
                try subject.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    let expected = try written.regex.search(base, length: buffer.count, scratch: scratch.pcre)
                    let expectedGroups = (0...written.regex.captureCount).map { scratch.pcre.range(ofGroup: $0) }
                    let lineForm = try written.lineRegex!.search(base, length: buffer.count, scratch: scratch.pcre)
                    if lineForm && !expected { lineFormAlone += 1 }
                    let content = try matcher.searchPrefregex(matcher.prefHandle!, base, buffer.count, scratch)
                    #expect((content != nil) == expected, "\(source) on \(Array(subject))")
                    guard let content, expected else { return }
                    matched += 1
                    #expect(content == expectedGroups[group] ?? 0..<0, "\(source) on \(Array(subject))")
                    for other in 1...written.regex.captureCount where other != group {
                        #expect(scratch.pcre.range(ofGroup: other) == expectedGroups[other], "\(source) on \(Array(subject))")
                    }
                }
            }
            #expect(matched > 300, "\(source): \(matched) subjects matched")
            #expect(lineFormAlone > 10, "\(source): \(lineFormAlone) subjects the line form alone takes")
        }
    }
}
