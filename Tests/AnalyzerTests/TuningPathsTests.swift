import Fail2banConfig
import Foundation
import TestSupport
import Testing

@testable import Analyzer

/// `failscan tune` over every path of the scan: every chunk size and thread count gives
/// the same outcomes, logins and lockouts (the sample auth.log's sshd and qpopper logins,
/// the sample mail logs' dovecot logins, a grid of four settings).
@Suite struct TuningPathsTests {
    func outcomes(_ filter: String, logs: [String], chunkSize: Int, threads: Int, now: Int = 1_795_600_000) throws -> (String, Int, Int) {
        let config = JailConfig(name: "j", filter: filter, maxRetry: 3, findTime: 600, banTime: 3600)
        let options = FilterOptions(now: now)
        let compiled = try CompiledFilter(spec: filter, options: options)
        let jail = JailReplay.Jail(config: config, filter: compiled, files: logs)
        let success = try SuccessPatterns.compile(
            SuccessPatterns.regexes(jail: config, filter: compiled.config), like: compiled, jail: config, options: options)
        let settings = TuneSetting.grid(maxRetry: [2, 3], findTime: [600, 86400], banTime: [3600], increment: [false])
        let replay = JailReplay(jails: [jail], options: ScanOptions(threads: threads, chunkSize: chunkSize))
        let result = Tuning(jail: jail, success: success, settings: settings, replay: replay).run()
        let text = result.outcomes.map { o in
            "\(o.bans) \(o.banned) \(o.failuresStopped) \(o.slowAttackers.map(\.id)) \(o.lockouts.map { "\($0.id) \($0.user) \($0.start) \($0.success)" })"
        }.joined(separator: "\n")
        return (text, result.logins, result.legitimate)
    }

    static let auth = [TestSupport.corpus("logs/auth.log")]
    static let mail = ["logs/mail.log.2.gz", "logs/mail.log.1", "logs/mail.log"].map(TestSupport.corpus)

    @Test(arguments: [
        ("/etc/fail2ban/filter.d/sshd.conf", auth), (TestSupport.corpus("filters/qpopperauth.conf"), auth),
        ("/etc/fail2ban/filter.d/dovecot.conf", mail),
    ])
    func everyPathGivesTheSameOutcomes(filter: String, logs: [String]) throws {
        try #require(FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/sshd.conf"), "\(TestSupport.fail2banHint)")
        let reference = try outcomes(filter, logs: logs, chunkSize: 1 << 20, threads: 1)
        #expect(reference.1 > 100, "the sample log has logins: \(reference.1)")
        if logs == Self.auth {
            #expect(reference.0.contains(" alice ") || reference.0.contains(" bob "), "and lockouts: \(reference.0)")
        }
        for (chunkSize, threads) in [(4096, 1), (4096, 2), (1 << 16, 2), (1 << 20, 2)] {
            let other = try outcomes(filter, logs: logs, chunkSize: chunkSize, threads: threads)
            #expect(other == reference, "chunk \(chunkSize), \(threads) thread(s)")
        }
    }

    /// A success regex with `<F-MLFID>` is refused, naming the jail: its merged matches
    /// would not be logins.
    @Test func multiLineSuccessRegexIsRefused() throws {
        let filter = TestSupport.corpus("filters/qpopperauth.conf")
        let config = JailConfig(name: "j", filter: filter, maxRetry: 3, findTime: 600, banTime: 3600)
        let options = FilterOptions(now: 1_795_600_000)
        let compiled = try CompiledFilter(spec: filter, options: options)
        #expect(throws: Never.self) {
            try SuccessPatterns.compile([#"login by <F-USER>\S+</F-USER> from <HOST>"#], like: compiled, jail: config, options: options)
        }
        do {
            _ = try SuccessPatterns.compile(
                [#"session <F-MLFID>\d+</F-MLFID>: login by <F-USER>\S+</F-USER> from <HOST>"#], like: compiled, jail: config,
                options: options)
            Issue.record("a success regex with <F-MLFID> was taken")
        } catch {
            #expect(error.reason.contains("[j] successregex: <F-MLFID>"), "\(error)")
        }
    }

    /// Logins on lines without a date take the date of the nearest dated line above them,
    /// in their chunk or in the chunks before (fail2ban's last date): the same logins,
    /// users and lockouts whatever the chunking, and none at the top of the file, where
    /// no date is known, is counted.
    @Test func undatedLoginsTakeTheDateAbove() throws {
        try #require(FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/dovecot.conf"), "\(TestSupport.fail2banHint)")
        let dir = try TestSupport.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines: [String] = []
        func login(_ user: String, _ address: String) -> String {
            "mail dovecot: imap-login: Login: user=<\(user)>, method=PLAIN, rip=\(address), lip=192.0.2.10, TLS"
        }
        lines.append(login("early", "198.51.100.250")) // above every date: dropped
        var seconds = 0
        for minute in 0..<120 {
            let stamp = String(format: "Nov 25 %02d:%02d:%02d", 10 + minute / 60, minute % 60, seconds % 60)
            seconds += 7
            // A user who mistypes now and then (3 failures, the ban at maxretry 3), logs in
            // on undated lines, as do others.
            if minute % 10 == 0 {
                for _ in 0..<3 {
                    lines.append(
                        "\(stamp) mail dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=carol rhost=203.0.113.7  user=carol"
                    )
                }
            }
            lines.append("\(stamp) mail postfix/qmgr[1]: 4B1F: removed")
            for k in 0..<(minute % 4) {
                lines.append(login(k == 1 ? "carol" : "user\(k)", k == 1 ? "203.0.113.7" : "198.51.100.\(minute)"))
            }
        }
        let path = dir + "/mail.log"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let now = 1_795_600_000
        let reference = try outcomes("/etc/fail2ban/filter.d/dovecot.conf", logs: [path], chunkSize: 1 << 20, threads: 1, now: now)
        let expected = (0..<120).reduce(0) { $0 + $1 % 4 }
        #expect(reference.1 == expected, "every undated login below a date: \(reference.1) of \(expected + 1)")
        #expect(reference.0.contains("203.0.113.7 carol"), "carol's address is locked out: \(reference.0)")
        for (chunkSize, threads) in [(512, 1), (512, 2), (4096, 2), (1 << 16, 2)] {
            let other = try outcomes("/etc/fail2ban/filter.d/dovecot.conf", logs: [path], chunkSize: chunkSize, threads: threads, now: now)
            #expect(other == reference, "chunk \(chunkSize), \(threads) thread(s)")
        }
    }
}
