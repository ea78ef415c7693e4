import Foundation
import Matcher
import TestSupport
import Testing

@testable import Analyzer
@testable import Fail2banConfig
@testable import LogSource

@Suite struct IniFileTests {
    @Test func readsLikePythonConfigparser() throws {
        let text = """
            # comment
            [Definition]
            Key = first line
                  second line ; inline comment

                  fourth line
            ; full-line comment inside a value is skipped
                  fifth
            other: value;not a comment
            [Init]
            a = 1
            """
        let ini = try IniFile(path: "t.conf", text: text)
        let definition = try #require(ini.section("Definition"))
        #expect(definition["key"] == "first line\nsecond line\n\nfourth line\nfifth")
        #expect(definition["other"] == "value;not a comment")
        #expect(ini.section("Init")?["a"] == "1")
    }

    /// Lines end as Python's text mode ends them (universal newlines): `\r\n` and a lone
    /// `\r` as `\n` (split by Swift's `Character`, `\r\n` was one character and a CRLF
    /// filter had no failregex); line numbers in errors count the same lines.
    @Test func crlfAndLoneCRLinesReadAsPythonReadsThem() throws {
        let text = "[Definition]\nfailregex = ^a <HOST>$\n            ^b <HOST>$\nignoreregex =\n\n[Init]\nx = 1\n"
        let plain = try IniFile(path: "t.conf", text: text)
        for ending in ["\r\n", "\r"] {
            let other = try IniFile(path: "t.conf", text: text.replacingOccurrences(of: "\n", with: ending))
            #expect(other.sections.map(\.name) == plain.sections.map(\.name))
            for section in plain.sections {
                #expect(other.section(section.name)?.options.map(\.value) == section.options.map(\.value), "\(ending.debugDescription)")
            }
        }
        #expect(plain.section("Definition")?["failregex"] == "^a <HOST>$\n^b <HOST>$")
        do {
            _ = try IniFile(path: "bad.conf", text: "[A]\r\nx = 1\r\nnot an option\r\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("bad.conf:3:"), "\(error.description)")
        }
        // The installed sshd filter with CRLF endings loads as it is.
        let sshd = "/etc/fail2ban/filter.d/sshd.conf"
        try #require(FileManager.default.fileExists(atPath: sshd), Comment(rawValue: TestSupport.fail2banHint))
        let dir = try TestSupport.temporaryDirectory()
        for name in ["sshd.conf", "common.conf"] {
            let original = try String(contentsOfFile: "/etc/fail2ban/filter.d/\(name)", encoding: .utf8)
            try original.replacingOccurrences(of: "\n", with: "\r\n").write(
                to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let crlf = try FilterLoader(configDirectory: dir.path).load(dir.appendingPathComponent("sshd.conf").path)
        let lf = try FilterLoader().load("sshd")
        #expect(crlf.patterns.failregex == lf.patterns.failregex && crlf.patterns.prefregex == lf.patterns.prefregex)
    }

    /// `str.strip()`: Python's white space at both ends, combining marks kept.
    @Test func strippedIsPythonsStrip() {
        #expect(IniFile.stripped("\u{A0} a b \u{3000}\u{1C}") == "a b")
        #expect(IniFile.stripped(" \t\u{85} ") == "")
        #expect(IniFile.stripped("e\u{301} ") == "e\u{301}")
        #expect(IniFile.stripped("x"[...]) == "x")
    }

    /// `str.replace` for tags: every occurrence, left to right, not overlapping.
    @Test func tagReplacementIsPythonsReplace() {
        #expect(FilterLoader.replacingEvery("<a>", in: "x<a><a>y<a", with: "Z") == "xZZy<a")
        #expect(FilterLoader.replacingEvery("aa", in: "aaaaa", with: "b") == "bba")
        #expect(FilterLoader.replacingEvery("<ü>", in: "é<ü>é", with: "<ü>") == "é<ü>é")
        #expect(FilterLoader.replacingEvery("<x>", in: "", with: "y") == "")
    }

    @Test func optionOutsideASectionNamesFileAndLine() {
        do {
            _ = try IniFile(path: "bad.conf", text: "\nkey = value\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("bad.conf:2:"))
        }
    }
}

@Suite struct FilterLoaderTests {
    @Test func seedFiltersLoadAsWritten() throws {
        let loader = FilterLoader()
        let auth = try loader.load(TestSupport.corpus("filters/qpopperauth.conf"))
        #expect(auth.patterns.failregex == ["in.qpopper.* authentication failure.* tty=<HOST>"])
        let mail = try loader.load(TestSupport.corpus("filters/qpoppermail.conf"))
        #expect(mail.patterns.failregex == [#"qpopper.* \(<HOST>\):.* Password supplied.*"#])
        let dovecot = try loader.load(TestSupport.corpus("filters/dovecot.conf"))
        #expect(dovecot.patterns.failregex.count == 1)
        #expect(dovecot.patterns.failregex[0].hasSuffix(#"rip=(?P<HOST>\S*),.*"#))
        #expect(dovecot.name == "dovecot")
    }

    @Test func interpolationIncludesAndNestedTags() throws {
        let dir = try TestSupport.temporaryDirectory()
        try """
        [DEFAULT]
        logtype = file
        __prefix_line = <lt_<logtype>/__prefix_line>
        [lt_file]
        __prefix_line = FILE:<_daemon>
        """.write(to: dir.appendingPathComponent("base.conf"), atomically: true, encoding: .utf8)
        try """
        [INCLUDES]
        before = base.conf
        [Definition]
        _daemon = sshd
        mode = normal
        failregex = ^%(__prefix_line)s fail from <HOST>
                    <mdre-<mode>>
        mdre-normal =
        mdre-extra = ^extra <HOST>
        """.write(to: dir.appendingPathComponent("f.conf"), atomically: true, encoding: .utf8)
        let loader = FilterLoader(configDirectory: dir.path)
        let normal = try loader.load(dir.appendingPathComponent("f.conf").path)
        #expect(normal.patterns.failregex == ["^FILE:sshd fail from <HOST>"])
        let extra = try loader.load(dir.appendingPathComponent("f.conf").path + "[mode=extra]")
        #expect(extra.patterns.failregex == ["^FILE:sshd fail from <HOST>", "^extra <HOST>"])
        // A .local beside the .conf overrides it.
        try "[Definition]\n_daemon = dropbear\n".write(to: dir.appendingPathComponent("f.local"), atomically: true, encoding: .utf8)
        #expect(try loader.load(dir.appendingPathComponent("f.conf").path).patterns.failregex == ["^FILE:dropbear fail from <HOST>"])
    }

    @Test func missingFilterIsAClearError() {
        do {
            _ = try FilterLoader(configDirectory: "/nonexistent").load("nosuchfilter")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("nosuchfilter"))
        }
    }

    @Test func stockDovecotResolvesFromTheInstalledFail2ban() throws {
        try #require(
            FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/dovecot.conf"), Comment(rawValue: TestSupport.fail2banHint))
        let filter = try FilterLoader().load("dovecot")
        #expect(filter.patterns.failregex.count == 4)
        #expect(filter.patterns.prefregex?.contains("<F-CONTENT>") == true)
        #expect(!(filter.patterns.prefregex ?? "").contains("%("))
        #expect(!(filter.patterns.prefregex ?? "").contains("<lt_"))
        #expect(filter.datePatterns == ["{^LN-BEG}TAI64N", "{^LN-BEG}"])
        let aggressive = try FilterLoader().load("dovecot[mode=aggressive]")
        #expect(aggressive.patterns.failregex.count == 5)
    }
}

@Suite struct JailLoaderTests {
    func load(_ jailLocal: String) throws -> [JailConfig] {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("failscan-jails-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try jailLocal.write(to: root.appendingPathComponent("jail.conf"), atomically: true, encoding: .utf8)
        return try JailLoader(configDirectory: root.path).load()
    }

    /// `ignoreself` as Python's getboolean reads it; on unless a jail turns it off.
    @Test func ignoreself() throws {
        let jails = try load(
            """
            [DEFAULT]
            ignoreself = yes
            [a]
            enabled = true
            [b]
            enabled = true
            ignoreself = Off
            """)
        #expect(jails.first { $0.name == "a" }?.ignoreSelf == true)
        #expect(jails.first { $0.name == "b" }?.ignoreSelf == false)
        #expect(throws: ConfigError.self) { try load("[a]\nenabled = true\nignoreself = maybe\n") }
    }

    /// `usedns`: warn by default; `no` makes the jail's `<HOST>` match addresses only.
    @Test func usedns() throws {
        let jails = try load("[a]\nenabled = true\n[b]\nenabled = true\nusedns = No\n")
        #expect(jails.first { $0.name == "a" }?.useDNS == .warn)
        #expect(jails.first { $0.name == "b" }?.useDNS == UseDNS.no)
        #expect(throws: ConfigError.self) { try load("[a]\nenabled = true\nusedns = sometimes\n") }
        let config = FilterConfig(name: "f", patterns: FilterPatterns(failregex: ["from <HOST>"]))
        #expect(config.usingDNS(.no).patterns.useDNS == false && config.usingDNS(.raw).patterns.useDNS == true)
    }
}
