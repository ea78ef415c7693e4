import Foundation
import TestSupport
import Testing

/// Issue 26: the fail2ban database failscan writes is the one fail2ban would have had. A
/// real fail2ban-server started on it (logs of the last 40 minutes, `--active-at now`)
/// restores every ban still running with failscan's end, prolonged (sshd) and incremented
/// (dovecot, bantime.increment) ends included; the ended bans stay as history, so a repeat
/// offender's next ban gets the incremented length failscan gives it.
@Suite(.serialized) struct PreloadDatabaseTests {
    @Test func aServerOnThePreloadedDatabaseRestoresEndsAndIncrements() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        let end = Int(Date().timeIntervalSince1970) - 60
        let server = try LiveServer.make { path in
            """
            [DEFAULT]
            backend = polling
            banaction = dummy
            action = dummy[target=\(path)/dummy.txt]
            findtime = 1h
            [sshd]
            enabled = true
            logpath = \(path)/auth.log.1
                      \(path)/auth.log
            maxretry = 3
            bantime = 2h
            [dovecot]
            enabled = true
            logpath = \(path)/mail.log.1
                      \(path)/mail.log
            bantime = 5m
            bantime.increment = true
            """
        }
        let generate = try TestSupport.run(
            "/usr/bin/python3",
            [TestSupport.corpus("generate.py"), "recent", "--end", String(end), "--minutes", "40", server.path])
        #expect(generate.status == 0, "\(generate.stderr)")
        let db = server.root.appendingPathComponent("fail2ban.sqlite3").path
        let written = try TestSupport.failscan(
            ["jails", "--config", server.path, "--no-rotated", "--format", "fail2ban-db", "--active-at", "now", "--output", db],
            environment: LiveServer.environment)
        #expect(written.status == 0, "\(written.stderr)")
        let mine = try server.failscanBans(["--no-rotated"])
        let history = try TestSupport.run("/usr/bin/sqlite3", [db, "SELECT count(*) FROM bans WHERE jail = 'dovecot' AND bancount > 1"])
        #expect((Int(history.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "repeat offenders' earlier bans are kept")

        // The bans still running when the server starts (a margin either side of its start).
        let started = Int(Date().timeIntervalSince1970)
        func running(_ jail: String) -> [String: [Int]] { (mine[jail] ?? [:]).filter { $0.value[1] > started + 15 } }
        let restored = try server.running { () -> [String: [String: [Int]]] in
            _ = try server.poll("sshd", tries: 50) { banned, _ in banned.count >= running("sshd").count }
            return ["sshd": try server.bans("sshd"), "dovecot": try server.bans("dovecot")]
        }
        for jail in ["sshd", "dovecot"] {
            let expected = running(jail)
            #expect(expected.count >= 2, "\(jail): bans still running at the handoff")
            let theirs = (restored[jail] ?? [:]).filter { $0.value[1] > started + 15 }
            #expect(Set(theirs.keys) == Set(expected.keys), "\(jail): restored \(theirs.keys.sorted()), failscan \(expected.keys.sorted())")
            for (ip, span) in expected {
                #expect(theirs[ip]?[1] == span[1], "\(jail) \(ip): restored until \(theirs[ip]?[1] ?? 0), failscan's end \(span[1])")
            }
        }
        // Prolonged sshd bans and incremented dovecot bans are among those restored.
        #expect(running("sshd").values.contains { $0[1] - $0[0] > 7200 }, "a prolonged sshd ban still running")
        #expect(running("dovecot").values.contains { $0[1] - $0[0] > 300 }, "an incremented dovecot ban still running")

        // A repeat offender whose last ban has ended fails again: the server's new ban has
        // the incremented length failscan gives it over the same lines.
        let json = try TestSupport.failscan(
            ["jails", "--config", server.path, "--no-rotated", "--jail", "dovecot", "--format", "json"], environment: LiveServer.environment
        )
        let offender = try #require(
            json.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { row in
                    guard let until = row["until"] as? [Int], let ip = row["ip"] as? String else { return false }
                    return !until.isEmpty && until.last! < started - 60 && !ip.contains(":")
                }?["ip"] as? String, "a dovecot address banned before whose ban has ended")
        let mail = server.root.appendingPathComponent("mail.log")
        var text = try String(contentsOf: mail, encoding: .utf8)
        let formatter = JailReplayTests.utcFormatter("MMM dd HH:mm:ss")
        let again = try server.running { () -> [Int]? in
            let now = Int(Date().timeIntervalSince1970)
            for k in 0..<6 {
                text +=
                    "\(formatter.string(from: Date(timeIntervalSince1970: TimeInterval(now - 6 + k)))) mail dovecot: pop3-login: Aborted login (auth failed, 1 attempts): user=<root>, method=PLAIN, rip=\(offender), lip=192.0.2.10\n"
            }
            try text.write(to: mail, atomically: false, encoding: .utf8)
            _ = try server.poll("dovecot", tries: 100) { banned, _ in banned.contains(offender) }
            return try server.bans("dovecot")[offender]
        }
        let expected = try server.failscanBans(["--no-rotated"])["dovecot"]?[offender]
        let theirs = try #require(again, "\(offender) banned again by the server")
        let ours = try #require(expected, "\(offender) banned again by failscan")
        #expect(
            theirs[1] - theirs[0] == ours[1] - ours[0],
            "\(offender): the server bans for \(theirs[1] - theirs[0]) s, failscan \(ours[1] - ours[0]) s")
        #expect(ours[1] - ours[0] > 300, "the next ban of a repeat offender is longer than the base bantime")
    }
}
