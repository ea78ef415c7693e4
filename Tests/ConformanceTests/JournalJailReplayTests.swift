import Foundation
import TestSupport
import Testing

/// Issue 24's strongest oracle: a real fail2ban-server with `backend =
/// systemd[journalfiles=...]` (dummy action, its own socket and database) reading journal
/// files built by systemd-journal-remote from entries of the last 40 minutes, against
/// `failscan jails` over the same configuration: the same addresses banned, each from the
/// same second until the same second, for sshd, dovecot and the seed qpopper filter.
/// (A live server reads the journal from now - findtime on: every jail's findtime covers
/// the 40 minutes, so that it reads what the replay reads.)
@Suite(.serialized) struct JournalJailReplayTests {
    static let jails = ["sshd", "dovecot", "qpopper"]

    /// A server whose jails read the journal files `journals` names.
    static func server(journals: String) throws -> LiveServer {
        try LiveServer.make(
            jailLocal: { root in
                """
                [DEFAULT]
                backend = systemd[journalfiles="\(journals)"]
                banaction = dummy
                action = dummy[target=\(root)/dummy.txt]
                bantime = 2h
                findtime = 1h
                [sshd]
                enabled = true
                maxretry = 4
                [dovecot]
                enabled = true
                maxretry = 3
                [qpopper]
                enabled = true
                filter = qpoppermail
                maxretry = 5
                findtime = 50m
                """
            },
            filters: ["qpoppermail.conf": try String(contentsOfFile: TestSupport.corpus("filters/qpoppermail.conf"), encoding: .utf8)])
    }

    @Test func sameBansAsALiveFail2banServerReadingTheJournal() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        let dir = try TestSupport.temporaryDirectory()
        // 40 minutes of entries ending a minute ago, in two files (archived, then live).
        let end = Date().timeIntervalSince1970 - 60
        _ = try TestSupport.journal(entries: 1800, seed: 31, start: end - 2400, step: 0.7, named: "system@1.journal", in: dir)
        _ = try TestSupport.journal(entries: 1600, seed: 32, start: end - 1140, step: 0.7, named: "system.journal", in: dir)
        let server = try Self.server(journals: "\(dir.path)/*.journal")
        let theirs = try server.running {
            try server.waitUntilSettled(Self.jails, tries: 300)
            return try Dictionary(uniqueKeysWithValues: Self.jails.map { ($0, try server.bans($0)) })
        }
        LiveServer.expectSameBans(theirs, try server.failscanBans(), jails: Self.jails)
    }

    /// The handoff for a journal: failscan's fail2ban database keeps each journal jail's
    /// position as fail2ban's systemd backend keeps it (the `logs` row `systemd-journal`:
    /// the last entry's date text and time); a fail2ban-server started on it restores the
    /// bans and reads the journal on from there: no failure counted twice. The control run
    /// (the same server without the database) reads and counts them all.
    @Test func fail2banServerCarriesOnFromThePreloadedJournalPosition() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        let dir = try TestSupport.temporaryDirectory()
        let end = Date().timeIntervalSince1970 - 60
        _ = try TestSupport.journal(entries: 1500, seed: 33, start: end - 1500, step: 1.0, named: "system.journal", in: dir)
        let control = try Self.server(journals: "\(dir.path)/*.journal")
        let expected = try TestSupport.failscan(
            ["jails", "--config", control.path, "--jail", "sshd", "--stats"], environment: LiveServer.environment)
        let failures = try #require(
            expected.stderr.split(separator: "\n").first { $0.contains("[sshd]") && $0.contains("failure(s)") }
                .flatMap { line in line.split(separator: ",").first { $0.contains("failure(s)") } }
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) })
        #expect(failures > 50)
        let fresh = try control.running { try control.poll("sshd", tries: 60) { $1 >= failures } }
        #expect(fresh.failed == failures, "a server without the handoff reads the whole journal")

        let server = try Self.server(journals: "\(dir.path)/*.journal")
        let db = server.root.appendingPathComponent("fail2ban.sqlite3").path
        let written = try TestSupport.failscan(
            ["jails", "--config", server.path, "--jail", "sshd", "--format", "fail2ban-db", "--output", db],
            environment: LiveServer.environment)
        #expect(written.status == 0, "\(written.stderr)")
        let row = try TestSupport.run("/usr/bin/sqlite3", [db, "SELECT path, firstlinemd5, lastfilepos FROM logs WHERE jail = 'sshd'"])
        let fields = row.stdout.trimmingCharacters(in: .newlines).split(separator: "|")
        #expect(fields.count == 3 && fields[0] == "systemd-journal", "\(row.stdout)")
        #expect(fields.count == 3 && fields[1].hasSuffix("+00:00 "), "the date text as fail2ban keeps it: \(row.stdout)")
        if fields.count == 3, let position = Double(fields[2]) { #expect(abs(position - end) < 3, "the last entry's time") }
        let listed = try TestSupport.failscan(["jails", "--config", server.path, "--jail", "sshd"], environment: LiveServer.environment)
        let addresses = Set(listed.stdout.split(separator: "\n").map(String.init))
        #expect(addresses.count >= 3)
        // Three seconds: time for the server to read the journal, were it to read it.
        let taken = try server.running { try server.poll("sshd", tries: 30) { _, _ in false } }
        #expect(taken.banned == addresses, "the preloaded bans are restored")
        #expect(taken.failed <= 1, "the server reads on from the last entry (fail2ban itself re-reads at most that one): \(taken.failed)")
    }
}
