import TestSupport
import Testing

@testable import Matcher

func literals(_ regex: String) throws -> [String]? {
    let pattern = try Fail2banDialect().translate(regex).pattern
    return LiteralExtraction.requiredLiterals(of: pattern).literals?.map { String(decoding: $0, as: UTF8.self) }
}

@Suite struct LiteralExtractionTests {
    @Test func seedQpopperFilters() throws {
        #expect(try literals(#"in.qpopper.* authentication failure.* tty=<HOST>"#) == [" authentication failure"])
        #expect(try literals(#"qpopper.* \(<HOST>\):.* Password supplied.*"#) == [" Password supplied"])
    }

    /// Every literal set the top level requires, in pattern order (for --explain); none for
    /// a top-level alternation, and none from an optional group or a lookaround.
    @Test func requiredInOrder() throws {
        func ordered(_ regex: String) throws -> [[String]] {
            LiteralExtraction.requiredInOrder(of: try Fail2banDialect().translate(regex).pattern).map {
                $0.map { String(decoding: $0, as: UTF8.self) }
            }
        }
        #expect(
            try ordered(#"^Failed password for .* from <HOST> port \d+ ssh2$"#) == [
                ["Failed password for "], [" from "], [" port "], [" ssh2"],
            ])
        #expect(
            try ordered(#"^User (?:root|admin) from <HOST>(?: (?:port \d+|on \S+))?(?! via )$"#) == [
                ["User root from ", "User admin from "]
            ])
        #expect(try ordered(#"^a b c|^d e f"#).isEmpty)
    }

    @Test func seedDovecotAlternation() throws {
        let set = try #require(
            try literals(
                #"(?: pop3-login|imap-login): .*(?:Authentication failure|Aborted login \(auth failed|Aborted login \(tried to use disabled|Disconnected \(auth failed|Aborted login \(\d+ authentication attempts).*rip=(?P<HOST>\S*),.*"#
            ))
        #expect(
            Set(set) == [
                "Authentication failure", "Aborted login (auth failed", "Aborted login (tried to use disabled",
                "Disconnected (auth failed", " authentication attempts",
            ])
    }

    @Test func alternationWithTheDaemonNamesOnly() throws {
        #expect(try literals(#"(?: pop3-login|imap-login): x"#).map(Set.init) == [" pop3-login: x", "imap-login: x"])
    }

    @Test func classesOfFewBytesExpand() throws {
        #expect(
            try literals(#"\): (?:[Uu]nknown user|[Pp]assword mismatch)"#).map(Set.init) == [
                "): Unknown user", "): unknown user", "): Password mismatch", "): password mismatch",
            ])
    }

    @Test func optionalPartsAreNotRequired() throws {
        #expect(try literals(#"(?:abcdef)?x\d+"#) == nil)
        #expect(try literals(#"a(?:bcdefgh)*"#) == nil)
        #expect(try literals(#"(?:foo|\d+)bar"#) == ["bar"])
    }

    @Test func branchWithoutLiteralSpoilsTheAlternation() throws {
        #expect(try literals(#"(?:longliteral|\w+) \d"#) == nil)
    }

    /// Letters under `(?i)` match either case: they give no literal, but the rest of the
    /// pattern still does (issue 10: sendmail-reject was not prefiltered at all).
    @Test func caseInsensitivePartsAreUnknownNotFatal() throws {
        #expect(LiteralExtraction.requiredLiterals(of: "(?i)password failed").literals == nil)
        #expect(try literals(#"(?:(?i)expn|vrfy) \S+ \[rejected\]"#) == [" [rejected]"])
        #expect(try literals("(?i:foo)barbaz") == ["barbaz"])
        #expect(try literals("(?i)abc(?-i)defgh") == ["defgh"])
        #expect(try literals("a(?i)b|CDEF") == nil) // (?i) reaches the next branch too
        #expect(try literals("(?i)1234-5678") == ["1234-5678"]) // no letter, no case
        #expect(try literals("(?i)1234é5678") == ["1234"]) // é has an upper case too: not a literal byte
    }

    @Test func declinesWhatItCannotProve() {
        #expect(LiteralExtraction.requiredLiterals(of: #"\d+\.\d+"#).literals == nil)
        #expect(LiteralExtraction.requiredLiterals(of: "(*UTF)abc").literals == nil)
    }

    @Test func quantifiedAtomIsNotGluedToItsNeighbours() throws {
        // "ab*c": the required literals are "a" and "c" separately, both too short.
        #expect(try literals("ab*c") == nil)
        #expect(try literals("abcd+ef") == ["abcd"])
        #expect(try literals("xy(?:abc)+def") == ["abcdef"])
    }

    @Test func escapesAndQuoting() throws {
        #expect(try literals(#"\Qa.b*c\E\d"#) == ["a.b*c"])
        #expect(try literals(#"pam_authenticate\(\) failed"#) == ["pam_authenticate() failed"])
    }

    /// Plain literal bytes grow the running strings in place (``LiteralExtraction``'s
    /// literal runs): the same analysis as the general product on 20,000 seeded patterns of
    /// literal runs (past the head's 16 bytes and the 128-byte cut), alternations, classes,
    /// quantifiers, anchors, escapes and `(?i)`.
    @Test func literalRunsAnalyseAsTheGeneralProduct() {
        var generator = SeededGenerator(seed: 0x5EED_0028)
        func run() -> String {
            let length = [1, 2, 5, 15, 16, 17, 40, 127, 128, 129, 200].randomElement(using: &generator)!
            return String((0..<length).map { _ in "abcxy -:=".randomElement(using: &generator)! })
        }
        let pieces: [() -> String] = [
            run, run, run, { "(?:" + run() + "|" + run() + ")" }, { "(?:ab|abc|" + run() + ")" }, { "[ab]" }, { "[a-c]" },
            { "x?" }, { "y*" }, { "z+" }, { "(?:ab)?" }, { "a{2}" }, { "a{2,}" }, { "\\S+" }, { "\\." }, { "." }, { "^" }, { "$" },
            { "(?i)" }, { "(?i:Ab)" }, { "(?P<user>" + run() + ")" }, { "(?=ab)" }, { "(?:a|b|)" }, { "\\d{1,3}" }, { "é" },
        ]
        var differing: [String] = []
        for _ in 0..<20_000 {
            let pattern = (0..<Int.random(in: 1...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)!() }.joined()
            let fast = LiteralExtraction.analyzeAll(pattern)
            let general = LiteralExtraction.analyzeAll(pattern, literalRuns: false)
            if fast.required != general.required || fast.prefixes != general.prefixes || fast.inOrder != general.inOrder {
                differing.append(pattern)
            }
        }
        #expect(differing.count == 0, "\(differing.count) patterns, first: \(differing.first ?? "")")
    }
}

@Suite struct PrefilterTests {
    @Test func trimsWhatTheDateCutMaySplitAndLineBreaks() throws {
        let filter = try #require(Prefilter(literals: [Array(" : pop3-login".utf8), Array("abc\ndef".utf8)]))
        #expect(filter.literals.map { String(decoding: $0, as: UTF8.self) } == [" pop3-login", "abc"])
    }

    /// Where a date may be cut out mid-line, each literal is cut to a piece between
    /// non-word bytes: the rarest long enough (`Login`, which only logins hold), not the
    /// longest (`login`, in every imap-login line).
    @Test func theDateCutKeepsTheRarestPiece() throws {
        let literals = ["imap-login: Login: user=<", "pop3-login: Login: user=<"].map { Array($0.utf8) }
        let filter = try #require(Prefilter(literals: literals, dateCut: .bounded))
        #expect(filter.literals.map { String(decoding: $0, as: UTF8.self) } == ["Login"])
    }

    /// A gate of several literals that all hold a common one searches the line once, for
    /// it: it admits every line the literals admit.
    @Test func gateLiteralsNarrowToTheirCommonPart() {
        func narrowed(_ set: [String]) -> [String] {
            PrefixGates.narrowed(set.map { Array($0.utf8) }).map { String(decoding: $0, as: UTF8.self) }
        }
        let logins = ["imap-login: Login: user=<", "imap-login: Info: Login: user=<", "submission-login: Login: user=<"]
        #expect(narrowed(logins) == [": Login: user=<"])
        #expect(narrowed(["Failed password", "Failed publickey"]) == ["Failed p"])
        // Too short a common part (under half the shortest literal, or under 4 bytes): kept.
        #expect(narrowed(["authentication failure", "auth failed"]) == ["authentication failure", "auth failed"])
        #expect(narrowed(["abcdef"]) == ["abcdef"])
        for set in [logins, ["Failed password", "Failed publickey"]] {
            let common = narrowed(set)[0]
            #expect(set.allSatisfy { $0.contains(common) })
        }
    }

    @Test func tooShortMeansNoPrefilter() {
        #expect(Prefilter(literals: [Array("ab".utf8), Array("abcdef".utf8)]) == nil)
    }

    @Test func redundantLongerLiteralsAreDropped() throws {
        let filter = try #require(Prefilter(literals: [Array("login failed".utf8), Array("login".utf8)]))
        #expect(filter.literals == [Array("login".utf8)])
    }

    @Test func findsEveryHitInOrder() throws {
        let filter = try #require(Prefilter(literals: [Array("foo".utf8), Array("bar".utf8)]))
        let text = Array("xx bar yy foo zz bar".utf8)
        var hits: [Int] = []
        text.withUnsafeBufferPointer { buffer in
            var cursor = Prefilter.Cursor()
            var from = 0
            while let hit = filter.nextHit(in: buffer, from: from, cursor: &cursor) {
                hits.append(hit)
                from = hit + 1
            }
        }
        #expect(hits == [3, 10, 17])
    }
}

/// The three searchers (memmem per literal, packed pairs, Teddy) must select the same
/// lines; Teddy, which searches suffixes, may select more, never fewer.
@Suite struct SearcherAgreementTests {
    static let literalSets: [[String]] = [
        ["Password supplied"],
        ["Authentication failure", "Aborted login (auth failed", "Disconnected (auth failed", "authentication attempts"],
        [
            "): Unknown user", "): unknown user", "): Invalid credentials", "): invalid credentials", "): Password mismatch",
            "): password mismatch", "): pam_authenticate() failed: ", "auth failed, ", "proxy dest auth failed",
            "tried to use disabled ", "authentication failure; logname=", "abc",
        ],
    ]

    /// Line numbers selected when each hit's line is taken and the search resumes after it.
    func lines(_ text: [UInt8], _ next: (UnsafeBufferPointer<UInt8>, Int) -> Int?) -> [Int] {
        var lineOf: [Int] = []
        var line = 0
        for byte in text {
            lineOf.append(line)
            if byte == 10 { line += 1 }
        }
        return text.withUnsafeBufferPointer { buffer in
            var selected: [Int] = []
            var from = 0
            while let hit = next(buffer, from) {
                selected.append(lineOf[hit])
                from = (buffer[hit...].firstIndex(of: 10) ?? buffer.count) + 1
                if from >= buffer.count { break }
            }
            return selected
        }
    }

    @Test(arguments: literalSets)
    func allSearchersSelectTheSameLines(literals: [String]) throws {
        let filter = try #require(Prefilter(literals: literals.map { Array($0.utf8) }))
        var generator = SeededGenerator(seed: 0x5EED_0008)
        var text: [UInt8] = []
        let pieces = literals + ["xx", " ", "\n", "\n", "Aborted login (", "): ", "auth", "Authentication", "pam_authenticate", "ssword"]
        for _ in 0..<4000 { text += Array(pieces[Int(generator.next() % UInt64(pieces.count))].utf8) }
        var memmemCursor = Prefilter.Cursor()
        let reference = lines(text) { filter.nextHitByMemmem(in: $0, from: $1, cursor: &memmemCursor) }
        #expect(reference.count > 50)
        #expect(lines(text) { filter.nextHitByPackedPairs(in: $0, from: $1) } == reference)
        for wide in [false, true] {
            guard let teddy = TeddySearcher(filter.literals, wide: wide) else { continue }
            let teddyLines = Set(lines(text) { teddy.firstHit(in: $0, from: $1) })
            #expect(Set(reference).isSubset(of: teddyLines), "Teddy, wide: \(wide)")
        }
        var cursor = Prefilter.Cursor()
        #expect(Set(reference).isSubset(of: Set(lines(text) { filter.nextHit(in: $0, from: $1, cursor: &cursor) })))
    }

    /// A matcher that is only a prefilter, for ``LineScanner``.
    struct PrefilterOnly: LineMatcher {
        let prefilter: Prefilter
        func candidateLine(in buffer: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Prefilter.Cursor) -> CandidateLine? {
            prefilter.nextHit(in: buffer, from: from, cursor: &cursor).map { .candidate($0) }
        }
    }

    /// One pass for several prefilters gives each the lines its own pass gives: every
    /// pair and a triple of the literal sets (shared literals, several in one line, one
    /// line wanted by all), over seeded text of all their literals.
    @Test func aJointPassGivesEachItsOwnLines() throws {
        let sets = Self.literalSets.filter { $0.count > 1 } + [["Login: user=<", "auth failed, ", "Logged out"]]
        var groups = sets.indices.flatMap { a in sets.indices.filter { $0 > a }.map { [a, $0] } }
        groups.append([0, 2, sets.count - 1])
        var generator = SeededGenerator(seed: 0x5EED_0009)
        var joined = 0
        for group in groups {
            let prefilters = try group.map { try #require(Prefilter(literals: sets[$0].map { Array($0.utf8) })) }
            guard let joint = JointPrefilter(prefilters) else { continue } // no AVX2 here
            joined += 1
            var text: [UInt8] = []
            let pieces = group.flatMap { sets[$0] } + ["xx", " ", "\n", "\n", "\n", "Logi", "auth", "): "]
            for _ in 0..<6000 { text += Array(pieces[Int(generator.next() % UInt64(pieces.count))].utf8) }
            text.withUnsafeBufferPointer { buffer in
                let together = joint.candidateLines(in: buffer)
                for (k, prefilter) in prefilters.enumerated() {
                    var alone: [Range<Int>] = []
                    LineScanner.forEachCandidateLine(in: buffer, matcher: PrefilterOnly(prefilter: prefilter)) { alone.append($0) }
                    #expect(alone.count > 20)
                    let same = together[k] == alone
                    #expect(same, "sets \(group), prefilter \(k): \(together[k].count) lines, alone \(alone.count)")
                }
            }
        }
        #expect(joined == groups.count || joined == 0)
    }
}

@Suite struct AnchoredPrefixTests {
    func prefixes(_ regex: String) throws -> [String]? {
        let pattern = try Fail2banDialect().translate(regex).pattern
        return LiteralExtraction.anchoredPrefixes(of: pattern)?.map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    @Test func anchoredLiteralStarts() throws {
        #expect(try prefixes(#"^Failed \S+ for <HOST>"#) == ["Failed "])
        #expect(
            try prefixes(#"^[aA]uthentication (?:failure|error) for"#)
                == ["Authentication failure for", "Authentication error for", "authentication failure for", "authentication error for"]
                .sorted())
        #expect(try prefixes(#"^(?P<nofail>Connection from) \S+"#) == ["Connection from "])
        #expect(try prefixes(#"^(?:Disconnected|Connection closed) by"#) == ["Connection closed by", "Disconnected by"])
        // A conditional reads as an alternation of its branches.
        #expect(try prefixes(#"^(?P<a>x)?(?(a)abc|abd)"#) == ["abc", "abd", "xabc", "xabd"])
        #expect(try prefixes(#"^(?:abc)?def"#) == ["abcdef", "def"]) // an optional part, both ways
        #expect(try prefixes(#"^ab(?:c\d+|d)"#) == ["abc", "abd"])
    }

    @Test func noPrefixWhereTheStartIsNotKnown() throws {
        #expect(try prefixes(#"Failed \S+"#) == nil) // not anchored
        #expect(try prefixes(#"^\S+ failed"#) == nil) // unknown first atom
        #expect(try prefixes(#"^(?:abc)?\d"#) == nil) // an optional part, then unknown
        #expect(try prefixes(#"^abc|def"#) == nil) // one branch is not anchored
        #expect(try prefixes(#"x^abc"#) == nil)
        #expect(LiteralExtraction.anchoredPrefixes(of: "(?m)^abc") == nil) // ^ after every line break
        #expect(LiteralExtraction.anchoredPrefixes(of: "(?i)^abc") == nil) // either case
        #expect(LiteralExtraction.anchoredPrefixes(of: "^(?i)12ab") == ["12"].map { Array($0.utf8) })
        #expect(LiteralExtraction.anchoredPrefixes(of: "^ab+c") == ["ab"].map { Array($0.utf8) })
    }

    /// Under `(?i)`, `.`, `^` and `$` keep their meaning: they are not literal bytes.
    @Test func caselessMetacharactersAreNotLiterals() throws {
        #expect(try literals(#"(?i)x.1234 <HOST>"#) == ["1234 "])
        #expect(LiteralExtraction.requiredLiterals(of: "(?i)^1234").literals == [Array("1234".utf8)])
        #expect(LiteralExtraction.requiredLiterals(of: "(?i)5678$").literals == [Array("5678".utf8)])
    }

    /// The gates never turn away a line the regex matches: random subjects against
    /// patterns with known starts or required literals, gates and PCRE2 compared.
    @Test func gatesAgreeWithPCRE2() throws {
        let patterns = [
            #"^Failed (?:password|publickey) for"#, #"^[iI](?:llegal|nvalid) user \S+"#, #"^ab"#, #"^a\x00b"#, #"^(?:x|yz)w"#,
            #"\S+ (?:password|publickey) for"#, #"user (?:Invalid|illegal)"#,
            #"NOTICE\s+\[(?!recidive\])(?:.*)\]\s+Ban\s+\S+"#, #"Fail.* for (?:x|yz)w.*password"#,
            // Prefixes past their eighth byte: the gates' second word.
            #"^Failed publickey for"#, #"^Disconnecting: Too many"#, #"^abcdefgh\x00ij"#, #"^abcdefghk?"#,
        ]
        // Prefix gates for the anchored ones, literal gates (every required set, as the
        // filters build them) for the others.
        let analyses = patterns.map { LiteralExtraction.analyzeAll($0) }
        let gates = PrefixGates(
            prefixes: analyses.map(\.prefixes), required: analyses.map { FilterMatcher.gateSets($0, gatedByPrefilter: false) })
        #expect(
            gates.requiredLiterals(5).first?.count == 2 && gates.requiredLiterals(6).first?.count == 2 && gates.requiredLiterals(0).isEmpty)
        #expect(gates.requiredLiterals(7).map { $0.map { String(decoding: $0, as: UTF8.self) } } == [["NOTICE"], ["Ban"]])
        #expect(gates.requiredLiterals(8).count == 3, "\(gates.requiredLiterals(8))")
        let regexes = try patterns.map { try PCRE2Regex($0) }
        let scratch = PCRE2Scratch(captureCount: 4)
        var generator = SeededGenerator(seed: 10)
        let pieces = [
            "Failed ", "password", "publickey", " for", "Invalid", "illegal", " user ", "x", "yz", "w", "a", "\u{0}", "b", "Fail",
            "NOTICE ", "[sshd] ", "[recidive] ", "Ban ", "Unban ", "1.2.3.4", " for x", "yzw", "Disconnecting", "Disconnected",
            ": Too many", "abcdefgh", "\u{0}ij", "\u{0}i", "k",
        ]
        var matched = Array(repeating: 0, count: patterns.count)
        let fixed = [
            "NOTICE [sshd] Ban 1.2.3.4", "NOTICE [recidive] x] Ban 1.2.3.4", "Failed for yzw password", "Fail for xw publickey password",
            "Failed publickey for", "Disconnecting: Too many", "abcdefgh\u{0}ij", "abcdefgh",
        ]
        for n in 0..<(20000 + fixed.count) {
            var subject: [UInt8] = n < fixed.count ? Array(fixed[n].utf8) : []
            for _ in 0..<(n < fixed.count ? 0 : Int.random(in: 0...6, using: &generator)) {
                subject += Array(pieces.randomElement(using: &generator)!.utf8)
            }
            subject.append(10)
            try subject.withUnsafeBufferPointer { buffer in
                let lead = PrefixGates.lead(buffer.baseAddress!, count: buffer.count)
                for (index, regex) in regexes.enumerated()
                where try regex.search(buffer.baseAddress!, length: buffer.count, scratch: scratch) {
                    matched[index] += 1
                    #expect(
                        gates.admits(index, lead: lead) && gates.literalsAdmit(index, buffer),
                        "gate \(index) refused \(String(decoding: subject, as: UTF8.self).debugDescription)")
                }
            }
        }
        #expect(matched.allSatisfy { $0 > 0 }, "every pattern matched some subjects: \(matched)")
        // The second word turns away what the first lets through.
        func admitted(_ index: Int, _ subject: String) -> Bool {
            Array(subject.utf8).withUnsafeBufferPointer { gates.admits(index, lead: PrefixGates.lead($0.baseAddress!, count: $0.count)) }
        }
        #expect(!admitted(9, "Failed password for x\n") && admitted(9, "Failed publickey for x\n"))
        #expect(!admitted(10, "Disconnected from x\n") && admitted(10, "Disconnecting: Too many\n"))
        #expect(!admitted(11, "abcdefghij\n") && admitted(11, "abcdefgh\u{0}ij\n"))
    }
}
