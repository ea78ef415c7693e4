import Testing

@testable import Matcher

func search(_ regex: PCRE2Regex, _ text: [UInt8], scratch: PCRE2Scratch) throws -> Range<Int>? {
    try text.withUnsafeBufferPointer { buffer in
        try regex.search(buffer.baseAddress!, length: buffer.count, scratch: scratch) ? scratch.range(ofGroup: 0) : nil
    }
}

@Suite struct PCRE2RegexTests {
    @Test(arguments: [PCRE2Regex.JITMode.required, .off])
    func matchesAndCaptures(jit: PCRE2Regex.JITMode) throws {
        let regex = try PCRE2Regex(#"rip=(?P<ip>[\d.]+),"#, options: .init(jit: jit))
        #expect(regex.isJITCompiled == (jit == .required))
        #expect(regex.groupNumbers == ["ip": 1])
        let scratch = PCRE2Scratch(captureCount: regex.captureCount)
        let text = Array("x rip=192.0.2.1, y".utf8)
        #expect(try search(regex, text, scratch: scratch) == 2..<16)
        #expect(scratch.range(ofGroup: 1) == 6..<15)
        #expect(try search(regex, Array("nothing".utf8), scratch: scratch) == nil)
    }

    /// A lazy group over a value of hundreds of KiB outgrows the JIT's 1 MiB stack; the
    /// match is found all the same (by the interpreter), as Python's re finds it (issue 22:
    /// a 1 MB sshd user name was given up on as a limit hit).
    @Test func aJITStackOverflowFallsBackToTheInterpreter() throws {
        let regex = try PCRE2Regex(
            #"for (?:invalid user )?(?<user>(?:(?! from ).)+?) from (\d+\.\d+\.\d+\.\d+) port"#, options: .init(jit: .required))
        let scratch = PCRE2Scratch(captureCount: regex.captureCount)
        let user = String(repeating: "A", count: 1_000_000)
        let text = Array("Failed password for invalid user \(user) from 198.51.100.9 port 22".utf8)
        #expect(try search(regex, text, scratch: scratch) != nil)
        #expect(scratch.range(ofGroup: 1)?.count == user.utf8.count)
    }

    @Test func compileErrorCarriesOffsetAndMessage() {
        do {
            _ = try PCRE2Regex("abc(def")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.kind == .compile)
            #expect(error.offset == 7)
            #expect(error.message.contains("missing closing parenthesis"))
            #expect(error.pattern == "abc(def")
        }
    }

    @Test(arguments: [PCRE2Regex.JITMode.required, .off])
    func invalidUTF8NeitherCrashesNorStopsMatching(jit: PCRE2Regex.JITMode) throws {
        // Byte mode: invalid sequences are just bytes.
        let regex = try PCRE2Regex(#"user=<(\S*)>, rip=(\S+),"#, options: .init(jit: jit))
        let scratch = PCRE2Scratch(captureCount: regex.captureCount)
        let text: [UInt8] = Array("user=<".utf8) + [0xff, 0xfe, 0xc3] + Array(">, rip=198.51.100.1,".utf8)
        #expect(try search(regex, text, scratch: scratch) != nil)
        #expect(scratch.range(ofGroup: 1) == 6..<9)
        // Why failscan matches in byte mode: fail2ban decodes such bytes to U+FFFD, which
        // \S matches, so the line fails there. In UTF mode with PCRE2_MATCH_INVALID_UTF an
        // invalid sequence matches nothing, so the same line would be missed.
        let utf = try PCRE2Regex(#"user=<(\S*)>, rip=(\S+),"#, options: .init(jit: jit, utf: true))
        let utfScratch = PCRE2Scratch(captureCount: utf.captureCount)
        #expect(try search(utf, text, scratch: utfScratch) == nil)
    }

    @Test func catastrophicPatternFailsTheLineNotTheRun() throws {
        let regex = try PCRE2Regex(#"^(a+)+$"#, options: .init(jit: .off))
        var limits = PCRE2Scratch.Limits()
        limits.match = 10_000
        let scratch = PCRE2Scratch(captureCount: regex.captureCount, limits: limits)
        let text = Array(String(repeating: "a", count: 40).utf8) + [UInt8(ascii: "b")]
        do {
            _ = try search(regex, text, scratch: scratch)
            Issue.record("expected the match limit to stop the search")
        } catch let error as PCRE2Error {
            #expect(error.isResourceLimit)
        }
        // The same scratch still works afterwards.
        #expect(try search(regex, Array("aaa".utf8), scratch: scratch) == 0..<3)
    }
}
