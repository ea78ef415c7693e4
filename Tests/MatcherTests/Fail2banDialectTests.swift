import Testing

@testable import Matcher

@Suite struct Fail2banDialectTests {
    let dialect = Fail2banDialect()

    @Test func hostExpandsLikeFail2ban() throws {
        // fail2ban 1.0's R_HOST[RI_HOST], spelled out from server/failregex.py and ipdns.py.
        let expected =
            #"rhost=(?:\[?(?:(?:::f{4,6}:)?(?P<ip4>(?:\d{1,3}\.){3}\d{1,3})|(?P<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)))\]?|(?P<dns>[\w\-.^_]*\w))"#
        #expect(try dialect.translate("rhost=<HOST>").pattern == expected)
    }

    @Test func usednsNoMatchesAddressesOnly() throws {
        let pattern = try Fail2banDialect(useDNS: false).translate("<HOST>").pattern
        #expect(!pattern.contains("(?P<dns>"))
        #expect(pattern.contains("(?P<ip4>"))
    }

    @Test func customGroupsBecomeNamedGroups() throws {
        let pattern = try dialect.translate("user=<F-USER>\\S+</F-USER> id=<F-ID>x</F-ID> <F-ALT_USER1>a</F-ALT_USER1>").pattern
        #expect(pattern == "user=(?P<user>\\S+) id=(?P<fid>x) (?P<alt_user1>a)")
    }

    @Test func unopenedClosingTagStaysLiteral() throws {
        #expect(try dialect.translate("a</F-USER>").pattern == "a</F-USER>")
    }

    @Test func unknownTagsStay() throws {
        #expect(try dialect.translate("<foo> <F-lower>").pattern == "<foo> <F-lower>")
    }

    @Test func legacyHostGroupIsAcceptedWithANote() throws {
        let upper = try dialect.translate(#"rip=(?P<HOST>\S*),"#)
        #expect(upper.pattern == #"rip=(?P<host>\S*),"#)
        #expect(upper.notes.count == 1)
        let lower = try dialect.translate(#"rip=(?P<host>\S*),"#)
        #expect(lower.pattern == #"rip=(?P<host>\S*),"#)
        #expect(lower.notes.count == 1)
    }

    @Test func pythonSpellingsAreRewritten() throws {
        #expect(try dialect.translate(#"(?iu)abc\Z"#).pattern == #"(?i)abc\z"#)
        #expect(try dialect.translate(#"a{,3}b"#).pattern == #"a{0,3}b"#)
        #expect(try dialect.translate(#"(?u)x[\Z]"#).pattern == #"x[\Z]"#)
        #expect(try dialect.translate(#"((?i)abc)"#).pattern == #"(?i:abc)"#)
        #expect(try dialect.translate(#"\\Z"#).pattern == #"\\Z"#)
    }

    @Test func emptyRegexIsRefused() {
        #expect(throws: PatternError.self) { try dialect.translate("   ") }
    }
}
