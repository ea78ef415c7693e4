import Foundation
import TestSupport
import Testing

/// One log line with a long captured value (a user name of 3,000 bytes to most of the
/// 1 MiB line limit, as `logger` or a web server's Basic-auth log can write) must not stop
/// any command (issue 22: a 3,000-byte sshd user name killed every command with SIGSEGV,
/// and a 1 MB one outgrew PCRE2's JIT stack). Each command runs over 20 ordinary attackers
/// plus such lines, must exit 0 (no line given up on) and ban the 20.
@Suite struct LongCaptureTests {
    static let now = "1795600000"

    /// auth.log (sshd), mail.log (dovecot) and error.log (apache-auth), each with 20
    /// attackers of 6 failures and lines whose user (and session) is `length` bytes long;
    /// a jail.local with the three stock jails over them.
    func logs(_ length: Int) throws -> String {
        let dir = try TestSupport.temporaryDirectory().path
        let user = String(repeating: "A", count: length)
        var auth: [String] = [], mail: [String] = [], web: [String] = []
        for i in 0..<20 {
            for k in 0..<6 {
                let time = String(format: "10:%02d:%02d", i, k)
                auth.append("Nov 25 \(time) host sshd[\(100 + i)]: Failed password for root from 192.0.2.\(i + 1) port 22 ssh2")
                mail.append(
                    "Nov 25 \(time) host dovecot: pop3-login: Aborted login (auth failed, 1 attempts in 2 secs): "
                        + "user=<bob>, method=PLAIN, rip=192.0.2.\(i + 1), lip=10.0.0.1, session=<abc>")
                web.append(
                    "[Wed Nov 25 \(time).000000 2026] [auth_basic:error] [pid 1] [client 192.0.2.\(i + 1):5000] AH01618: user bob not found: /x"
                )
            }
        }
        auth += [
            "Nov 25 11:00:00 host sshd[999]: Failed password for invalid user \(user) from 198.51.100.9 port 22 ssh2",
            "Nov 25 11:00:01 host sshd[998]: Connection closed by authenticating user \(user) 198.51.100.10 port 22 [preauth]",
            "Nov 25 11:00:02 host sshd[997]: Invalid user \(user) from 198.51.100.11 port 22",
        ]
        // Two long values in one dovecot line, within the 1 MiB line limit.
        let session = length > 500_000 ? "abc" : user
        mail.append(
            "Nov 25 11:00:00 host dovecot: pop3-login: Aborted login (auth failed, 1 attempts in 2 secs): "
                + "user=<\(user)>, method=PLAIN, rip=198.51.100.9, lip=10.0.0.1, session=<\(session)>")
        web.append(
            "[Wed Nov 25 11:00:00.000000 2026] [auth_basic:error] [pid 1] [client 198.51.100.9:5000] AH01618: user \(user) not found: /x")
        for (name, lines) in [("auth.log", auth), ("mail.log", mail), ("error.log", web)] {
            try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        var jails = "[DEFAULT]\nenabled = true\nmaxretry = 5\nfindtime = 1h\nbantime = 1h\n"
        for (jail, log) in [("sshd", "auth.log"), ("dovecot", "mail.log"), ("apache-auth", "error.log")] {
            jails += "[\(jail)]\nfilter = /etc/fail2ban/filter.d/\(jail).conf\nlogpath = \(dir)/\(log)\n"
        }
        try jails.write(toFile: dir + "/jail.local", atomically: true, encoding: .utf8)
        return dir
    }

    static let attackers = (1...20).map { "192.0.2.\($0)" }

    func expectClean(_ run: TestSupport.Output, _ what: String) {
        #expect(run.status == 0, "\(what): exit \(run.status), \(run.stderr.prefix(300))")
    }

    @Test(arguments: [3000, 300_000, 1_000_000])
    func noCommandCrashesOnALongCapture(_ length: Int) throws {
        try #require(
            FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/sshd.conf"), Comment(rawValue: TestSupport.fail2banHint))
        let dir = try logs(length)
        for (filter, log) in [("sshd", "auth.log"), ("dovecot", "mail.log"), ("apache-auth", "error.log")] {
            let path = dir + "/" + log
            let list = try TestSupport.failscan(["scan", "--filter", filter, "--now", Self.now, path])
            expectClean(list, "scan \(filter)")
            #expect(list.stdout.split(separator: "\n").map(String.init).sorted() == Self.attackers.sorted(), "scan \(filter)")
            for format in ["json", "csv", "nft", "fail2ban-db", "sqlite", "html"] {
                let out = dir + "/scan-\(filter).\(format)"
                expectClean(
                    try TestSupport.failscan(["scan", "--filter", filter, "--now", Self.now, "--format", format, "--output", out, path]),
                    "scan \(filter) \(format)")
            }
            let report = try TestSupport.failscan(["regex", "--now", Self.now, path, filter])
            expectClean(report, "regex \(filter)")
            #expect(TestSupport.reportLines(report.stdout)?.matched ?? 0 >= 121, "regex \(filter): \(report.stdout.suffix(400))")
            let json = try TestSupport.failscan(["regex", "--json", "--now", Self.now, path, filter])
            expectClean(json, "regex --json \(filter)")
            #expect(json.stdout.contains(String(repeating: "A", count: length)), "regex --json \(filter) keeps the whole user")
        }
        for format in [
            "list", "json", "csv", "iptables", "ipset", "nft", "firewalld", "crowdsec", "crowdsec-json", "fail2ban-db", "sqlite", "html",
        ] {
            let out = dir + "/jails.\(format)"
            let run = try TestSupport.failscan(["jails", "--config", dir, "--now", Self.now, "--format", format, "--output", out])
            expectClean(run, "jails \(format)")
            if format == "list" {
                let banned = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
                #expect(Set(banned) == Set(Self.attackers), "jails list")
            }
        }
        for jail in ["sshd", "dovecot", "apache-auth"] {
            expectClean(try TestSupport.failscan(["tune", "--config", dir, "--now", Self.now, "--jail", jail]), "tune \(jail)")
            expectClean(
                try TestSupport.failscan([
                    "tune", "--config", dir, "--now", Self.now, "--jail", jail, "--format", "html", "--output", dir + "/tune.html",
                ]),
                "tune \(jail) html")
        }
        let ledgers = dir + "/ledgers"
        expectClean(
            try TestSupport.failscan([
                "map", "--config", dir, "--now", Self.now, "--out", ledgers, dir + "/auth.log", dir + "/mail.log", dir + "/error.log",
            ]),
            "map")
        let names = try FileManager.default.contentsOfDirectory(atPath: ledgers).map { ledgers + "/" + $0 }
        let reduced = try TestSupport.failscan(["reduce", "--config", dir] + names)
        expectClean(reduced, "reduce")
        #expect(Set(reduced.stdout.split(separator: "\n").map(String.init)) == Set(Self.attackers), "reduce")
    }
}
