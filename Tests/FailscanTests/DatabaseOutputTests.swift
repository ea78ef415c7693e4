import Foundation
import TestSupport
import Testing

/// Database outputs under their owners (issue 22): an existing database is opened through
/// SQLite, so its rollback journal and WAL apply and its lock is honoured; an existing
/// fail2ban database is merged into, never replaced; what failscan would drop is refused
/// unless `--replace`; sidecar files without their database are never adopted. The real
/// clients (sqlite3 holding a lock, Python's sqlite3 leaving a WAL or a hot journal, and
/// fail2ban's own `Fail2BanDb` class making its database) set each scene.
@Suite(.serialized) struct DatabaseOutputTests {
    static let now = "1795600000"

    /// auth.log with four addresses failing 6 times each (banned at maxretry 5).
    func scene() throws -> (dir: String, log: String) {
        let dir = try TestSupport.temporaryDirectory().path
        var lines: [String] = []
        for i in 1...4 {
            for k in 0..<6 {
                lines.append("Nov 25 10:0\(i):0\(k) host sshd[\(100 + i)]: Failed password for root from 192.0.2.\(i) port 22 ssh2")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/auth.log", atomically: true, encoding: .utf8)
        return (dir, dir + "/auth.log")
    }

    static let banned = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]

    func failscan(_ format: String, _ db: String, _ log: String, _ extra: [String] = []) throws -> TestSupport.Output {
        try TestSupport.failscan(["scan", "--filter", "sshd", "--now", Self.now, "--format", format, "--output", db] + extra + [log])
    }

    func sqlite(_ db: String, _ sql: String) throws -> [String] {
        let run = try TestSupport.run("/usr/bin/sqlite3", [db, sql])
        #expect(run.status == 0, "sqlite3 \(sql): \(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    func python(_ script: String, _ arguments: [String]) throws {
        let run = try TestSupport.run("/usr/bin/python3", ["-c", script] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// A fail2ban database made by fail2ban's own class, with a jail `other` holding five
    /// bans (ban count 3: bantime.increment's history); then `mode`: "wal" leaves 250 more
    /// committed bans in a WAL that was never checkpointed, "journal" leaves 250 more in a
    /// transaction that never committed (a hot journal), "" nothing.
    func fail2banDatabase(_ path: String, _ mode: String) throws {
        try python(
            """
            import os, sqlite3, sys
            sys.path.insert(0, "/usr/lib/python3/dist-packages")
            from fail2ban.server.database import Fail2BanDb
            path, mode = sys.argv[1], sys.argv[2]
            Fail2BanDb(path)
            c = sqlite3.connect(path, isolation_level=None)
            c.execute("INSERT INTO jails(name) VALUES('other')")
            for i in range(5):
                c.execute("INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES('other', ?, 1795000000, 600, 3, '{}')", ("203.0.113.%d" % i,))
                c.execute("INSERT INTO bips(jail, ip, timeofban, bantime, bancount, data) VALUES('other', ?, 1795000000, 600, 3, '{}')", ("203.0.113.%d" % i,))
            if mode == "wal":
                c.execute("PRAGMA journal_mode=WAL")
                c.execute("PRAGMA wal_autocheckpoint=0")
                c.execute("BEGIN")
                for i in range(250):
                    c.execute("INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES('other', ?, 1795000001, 600, 1, '{}')", ("198.18.0.%d" % i,))
                c.execute("COMMIT")
                os._exit(0)
            if mode == "journal":
                c.execute("PRAGMA cache_size=1")
                c.execute("BEGIN")
                for i in range(250):
                    c.execute("INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES('other', ?, 1795000001, 600, 1, ?)", ("198.18.0.%d" % i, "x" * 2000))
                os._exit(0)
            """, [path, mode])
    }

    @Test func aLeftoverWALIsTheDatabasesOwn() throws {
        let (dir, log) = try scene()
        let db = dir + "/fail2ban.sqlite3"
        try fail2banDatabase(db, "wal")
        #expect(FileManager.default.fileExists(atPath: db + "-wal"), "the scene leaves a WAL")
        let run = try failscan("fail2ban-db", db, log)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try sqlite(db, "PRAGMA integrity_check;") == ["ok"])
        #expect(try sqlite(db, "SELECT jail, count(*) FROM bans GROUP BY jail ORDER BY jail;") == ["other|255", "sshd|4"])
        #expect(try sqlite(db, "SELECT ip FROM bips WHERE jail = 'sshd' ORDER BY ip;") == Self.banned)
    }

    @Test func aHotJournalIsRolledBackNotAdopted() throws {
        let (dir, log) = try scene()
        let db = dir + "/fail2ban.sqlite3"
        try fail2banDatabase(db, "journal")
        #expect(FileManager.default.fileExists(atPath: db + "-journal"), "the scene leaves a hot journal")
        let run = try failscan("fail2ban-db", db, log)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try sqlite(db, "PRAGMA integrity_check;") == ["ok"])
        // The uncommitted 250 are gone, the committed 5 and failscan's 4 are there.
        #expect(try sqlite(db, "SELECT jail, count(*) FROM bans GROUP BY jail ORDER BY jail;") == ["other|5", "sshd|4"])
    }

    @Test func anotherJailsBansAndHistoryAreKeptAndARerunChangesNothing() throws {
        let (dir, log) = try scene()
        let db = dir + "/fail2ban.sqlite3"
        try fail2banDatabase(db, "")
        let before = try sqlite(
            db, "SELECT * FROM bans WHERE jail = 'other' ORDER BY ip; SELECT * FROM bips WHERE jail = 'other' ORDER BY ip;")
        #expect(try failscan("fail2ban-db", db, log).status == 0)
        let once = try sqlite(db, "SELECT jail, ip, bantime, bancount FROM bans ORDER BY jail, ip;")
        #expect(try failscan("fail2ban-db", db, log).status == 0)
        #expect(
            try sqlite(db, "SELECT jail, ip, bantime, bancount FROM bans ORDER BY jail, ip;") == once, "a second run replaces its own rows")
        #expect(
            try sqlite(db, "SELECT * FROM bans WHERE jail = 'other' ORDER BY ip; SELECT * FROM bips WHERE jail = 'other' ORDER BY ip;")
                == before)
        #expect(try sqlite(db, "SELECT name FROM jails ORDER BY name;") == ["other", "sshd"])
        #expect(try sqlite(db, "SELECT ip FROM bips WHERE jail = 'sshd' ORDER BY ip;") == Self.banned)
    }

    @Test func aHeldLockIsWaitedForAndItsHolderNamed() throws {
        let (dir, log) = try scene()
        for format in ["fail2ban-db", "sqlite"] {
            let db = dir + "/\(format).db"
            #expect(try failscan(format, db, log).status == 0)
            // sqlite3 holds the write lock for 3 s, then commits a row of its own.
            let holder =
                "(echo \"BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held(name TEXT); INSERT INTO held VALUES('first');\"; sleep 3; echo 'COMMIT;') | /usr/bin/sqlite3 \"$0\" & sleep 0.7; \"$1\" scan --filter sshd --now \(Self.now) --format \(format) --output \"$0\" --lock-timeout 1 \"$2\"; status=$?; wait; exit $status"
            let refused = try TestSupport.run("/bin/sh", ["-c", holder, db, TestSupport.failscanBinary, log])
            #expect(refused.status == 3, "\(format): \(refused.stderr)")
            #expect(
                refused.stderr.contains("locked by another writer") && refused.stderr.contains("(sqlite3)"), "\(format): \(refused.stderr)")
            #expect(try sqlite(db, "SELECT name FROM held;") == ["first"], "\(format): the holder's commit is in the file")
            // Within the timeout: failscan waits, then writes; the holder's row stays.
            let waits = holder.replacingOccurrences(of: "sleep 3", with: "sleep 1.5").replacingOccurrences(
                of: "--lock-timeout 1", with: "--lock-timeout 20"
            )
            .replacingOccurrences(of: "'first'", with: "'second'")
            let written = try TestSupport.run("/bin/sh", ["-c", waits, db, TestSupport.failscanBinary, log])
            #expect(try sqlite(db, "SELECT name FROM held ORDER BY name;") == ["first", "second"], "\(format): the holder's commits stay")
            if format == "fail2ban-db" {
                #expect(written.status == 0, "\(format): \(written.stderr)")
                #expect(try sqlite(db, "SELECT ip FROM bips ORDER BY ip;") == Self.banned, "\(format)")
            } else {
                // The report holds someone else's table now: refused after the wait, kept.
                #expect(written.status == 3 && written.stderr.contains("held"), "\(format): \(written.stderr)")
            }
        }
    }

    @Test func sidecarsWithoutTheirDatabaseAreNotAdopted() throws {
        let (dir, log) = try scene()
        for sidecar in ["-wal", "-journal"] {
            let db = dir + "/new\(sidecar).db"
            try "stale".write(toFile: db + sidecar, atomically: true, encoding: .utf8)
            let run = try failscan("fail2ban-db", db, log)
            #expect(run.status == 3 && run.stderr.contains("\(sidecar) is there without its database"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db))
        }
    }

    @Test func whatWouldBeDroppedIsRefusedUnlessReplace() throws {
        let (dir, log) = try scene()
        let v2 = dir + "/v2.db"
        _ = try sqlite(
            v2,
            "CREATE TABLE fail2banDb(version INTEGER); INSERT INTO fail2banDb VALUES(2); CREATE TABLE jails(name TEXT); CREATE TABLE logs(x); CREATE TABLE bans(x); CREATE TABLE bips(x); INSERT INTO jails VALUES('old');"
        )
        let text = dir + "/notes.txt"
        try "my notes\n".write(toFile: text, atomically: true, encoding: .utf8)
        let other = dir + "/other.db"
        _ = try sqlite(other, "CREATE TABLE inventory(item TEXT); INSERT INTO inventory VALUES('x');")
        for (db, format, reason) in [
            (v2, "fail2ban-db", "schema version 2"), (text, "fail2ban-db", "not an SQLite database"), (other, "fail2ban-db", "inventory"),
            (other, "sqlite", "inventory"), (v2, "sqlite", "another database"),
        ] {
            let before = try Data(contentsOf: URL(fileURLWithPath: db))
            let refused = try failscan(format, db, log)
            #expect(
                refused.status == 3 && refused.stderr.contains(reason) && refused.stderr.contains("--replace"),
                "\(db) \(format): \(refused.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "\(db) is left as it was")
        }
        #expect(try failscan("fail2ban-db", v2, log, ["--replace"]).status == 0)
        #expect(try sqlite(v2, "SELECT version FROM fail2banDb; SELECT name FROM jails;") == ["4", "sshd"])
        #expect(try failscan("sqlite", text, log, ["--replace"]).status == 0)
        #expect(try sqlite(text, "SELECT count(DISTINCT ip) FROM bans;") == ["4"])
        // An earlier report of the same jail is replaced without asking.
        #expect(try failscan("sqlite", text, log).status == 0)
        #expect(try sqlite(text, "SELECT count(*) FROM bans;") == ["4"])
        let misuse = try TestSupport.failscan(["scan", "--filter", "sshd", "--replace", log])
        #expect(misuse.status == 64, "--replace with a format that writes no database is a usage error")
    }
}
