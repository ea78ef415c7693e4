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
