import Testing

@testable import Matcher

/// Runs a matcher over `text` line by line (as the scanner does, with `\n` appended) and
/// returns "index:id" per matched line.
func runFilter(_ matcher: FilterMatcher, _ text: String) throws -> [String] {
    let bytes = Array(text.utf8)
    let scratch = matcher.makeScratch()
    var results: [String] = []
    try bytes.withUnsafeBufferPointer { buffer in
        try LineScanner.forEachCandidateLine(in: buffer, matcher: matcher) { (range: Range<Int>) throws(PCRE2Error) in
            let subject = scratch.copyLine(UnsafeBufferPointer(rebasing: buffer[range]))
            if let capture = try matcher.match(subject: subject, scratch: scratch) {
                results.append("\(capture.failregexIndex):\(String(decoding: capture.id, as: UTF8.self))")
            }
        }
    }
    return results
}

@Suite struct FilterMatcherTests {
    static let engines: [(PCRE2Regex.JITMode, Bool)] = [(.required, true), (.required, false), (.off, true), (.off, false)]

    @Test(arguments: engines)
    func seedDovecotFilter(jit: PCRE2Regex.JITMode, prefilter: Bool) throws {
        let matcher = try FilterMatcher(
            FilterPatterns(failregex: [
                #"(?: pop3-login|imap-login): .*(?:Authentication failure|Aborted login \(auth failed|Aborted login \(tried to use disabled|Disconnected \(auth failed|Aborted login \(\d+ authentication attempts).*rip=(?P<HOST>\S*),.*"#
            ]),
            options: .init(jit: jit), usePrefilter: prefilter)
        #expect((matcher.prefilter != nil) == prefilter)
        let log = """
             mail dovecot: pop3-login: Aborted login (auth failed, 1 attempts): user=<a>, method=PLAIN, rip=::ffff:203.0.113.5, lip=::ffff:192.0.2.1
             mail dovecot: imap-login: Login: user=<a>, method=PLAIN, rip=203.0.113.6, lip=192.0.2.1
             mail dovecot: imap-login: Disconnected (auth failed, 2 attempts in 4 secs): user=<b>, rip=2001:db8::7, lip=2001:db8::1
            """
        #expect(try runFilter(matcher, log) == ["0:::ffff:203.0.113.5", "0:2001:db8::7"])
    }

    @Test(arguments: engines)
    func prefregexContentReplacesTheLine(jit: PCRE2Regex.JITMode, prefilter: Bool) throws {
        let matcher = try FilterMatcher(
            FilterPatterns(
                prefregex: #"^\s*\S+ sshd\[\d+\]: <F-CONTENT>.+</F-CONTENT>$"#,
                failregex: [
                    #"^Failed password for (?:invalid user )?<F-USER>\S+</F-USER> from <HOST>"#, #"^Invalid user \S+ from <HOST>"#,
                ],
                ignoreregex: [#"from 192\.0\.2\."#]), options: .init(jit: jit), usePrefilter: prefilter)
        let log = """
             host sshd[1]: Failed password for root from 198.51.100.1 port 22 ssh2
             host sshd[2]: Invalid user x from 198.51.100.2 port 22
             host cron[3]: Failed password for root from 198.51.100.3 port 22 ssh2
             host sshd[4]: Failed password for root from 192.0.2.4 port 22 ssh2
            """
        #expect(try runFilter(matcher, log) == ["0:198.51.100.1", "1:198.51.100.2"])
    }

    @Test func regexWithoutFailureIDIsRefused() {
        #expect(throws: PatternError.self) { try FilterMatcher(FilterPatterns(failregex: ["no host here"])) }
    }

    @Test func compileErrorNamesTheRegex() {
        do {
            _ = try FilterMatcher(FilterPatterns(failregex: ["<HOST>", "bad(<HOST>"]))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("failregex 2"))
        }
    }

    /// The user alone (`failscan tune`'s logins) is what every field gives: read from the
    /// match when the failregex alone holds it, from the merged fields when a prefregex's
    /// group or an `<F-ALT_USER…>` takes part; on ASCII and non-ASCII lines.
    @Test func userAloneIsTheUserOfEveryField() throws {
        let filters = [
            FilterPatterns(failregex: [#"Login: user=<<F-USER>[^>]*</F-USER>>.*?\brip=<HOST>"#, #"^nouser from <HOST>"#]),
            FilterPatterns(
                prefregex: #"^\S+ <F-USER>\w+</F-USER>: <F-CONTENT>.+</F-CONTENT>$"#,
                failregex: [#"^as (?:<F-USER>\S+</F-USER>|nobody) from <HOST>"#]),
            FilterPatterns(failregex: [#"^user=(?:<F-USER>\w+</F-USER>)?(?: alt=<F-ALT_USER>\w+</F-ALT_USER>)? from <HOST>"#]),
        ]
        let lines = [
            "imap-login: Login: user=<alice>, method=PLAIN, rip=192.0.2.1, lip=192.0.2.2", "imap-login: Login: user=<>, rip=192.0.2.3",
            "imap-login: Login: user=<müller>, rip=192.0.2.4", "nouser from 192.0.2.5", "host bob: as carol from 192.0.2.6",
            "host bob: as nobody from 192.0.2.7", "user=dave alt=erin from 192.0.2.8", "user= alt=erin from 192.0.2.9",
            "user= from 192.0.2.10", "host 田中: as nobody from 192.0.2.11",
        ]
        var compared = 0
        for patterns in filters {
            let matcher = try FilterMatcher(patterns)
            let scratch = matcher.makeScratch()
            for line in lines {
                let subject = Array((line + "\n").utf8)
                try subject.withUnsafeBufferPointer { subject in
                    let all = try matcher.match(subject: subject, scratch: scratch, fields: .all)
                    let expected = all?.values?[matcher.fieldLayout.user]
                    let alone = try matcher.match(subject: subject, scratch: scratch, fields: .user)
                    #expect((all == nil) == (alone == nil), "\(line)")
                    guard let alone else { return }
                    let user = alone.user.map { String(decoding: $0, as: UTF8.self) } ?? alone.values?[matcher.fieldLayout.user]
                    #expect(user == expected, "\(patterns.failregex[0]): \(line)")
                    compared += 1
                }
            }
        }
        #expect(compared == 10)
    }
}

@Suite struct LineScannerTests {
    @Test func countsLinesWithAndWithoutFinalNewline() {
        for (text, count) in [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("\n\n", 2)] {
            let n = Array(text.utf8).withUnsafeBufferPointer { LineScanner.countLines(in: $0) }
            #expect(n == count, "\(text.debugDescription)")
        }
    }
}
