import Foundation
import TestSupport
import Testing

/// failscan writing into the database of a running fail2ban-server (issue 22: the file was
/// renamed over, and the server's later bans went into the unlinked one). failscan merges
/// under SQLite's lock; the server's bans from before and after stay; a server started on
/// the database afterwards restores the server's bans and failscan's.
@Suite(.serialized) struct LiveDatabaseTests {
    func client(_ root: URL, _ arguments: [String]) throws -> TestSupport.Output { try LiveServer(root: root).client(arguments) }

    /// Waits until the server's sshd jail lists `address` as banned (five seconds at most).
    func waitForBan(_ root: URL, _ address: String) throws -> Bool {
        for _ in 0..<50 {
            if try client(root, ["status", "sshd"]).stdout.contains(address) { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func aRunningServersDatabaseIsMergedInto() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        let root = try JailReplayTests.makeServerRoot()
        try "".write(to: root.appendingPathComponent("auth.log"), atomically: true, encoding: .utf8)
        let db = root.appendingPathComponent("fail2ban.sqlite3").path
        // failscan's log: three addresses failing in the last minutes, elsewhere.
        let formatter = JailReplayTests.utcFormatter("MMM dd HH:mm:ss")
        let now = Int(Date().timeIntervalSince1970)
        var log = ""
        for k in 0..<9 {
            let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(now - 600 + 30 * k)))
            log += "\(date) host sshd[\(5000 + k)]: Failed password for root from 198.51.100.\(1 + k % 3) port 22 ssh2\n"
        }
        let other = root.appendingPathComponent("other.log").path
        try log.write(toFile: other, atomically: true, encoding: .utf8)

        let started = try client(root, ["-x", "start"])
        try #require(started.status == 0, "\(started.stderr)")
        var stopped = false
        defer { if !stopped { _ = try? client(root, ["stop"]) } }
        #expect(try client(root, ["set", "sshd", "banip", "203.0.113.50"]).status == 0)
        #expect(try waitForBan(root, "203.0.113.50"))
        let written = try TestSupport.failscan(
            ["scan", "--filter", "sshd", "--name", "sshd", "--maxretry", "3", "--format", "fail2ban-db", "--output", db, other],
            environment: ["TZ": "UTC"])
        #expect(written.status == 0, "\(written.stderr)")
        // The server goes on writing into the same file.
        #expect(try client(root, ["set", "sshd", "banip", "203.0.113.51"]).status == 0)
        #expect(try waitForBan(root, "203.0.113.51"))
        #expect(try client(root, ["stop"]).status == 0)
        stopped = true

        let integrity = try TestSupport.run("/usr/bin/sqlite3", [db, "PRAGMA integrity_check;"])
        #expect(integrity.stdout == "ok\n")
        let ips = try TestSupport.run("/usr/bin/sqlite3", [db, "SELECT DISTINCT ip FROM bans WHERE jail = 'sshd' ORDER BY ip;"])
        let expected = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "203.0.113.50", "203.0.113.51"]
        #expect(ips.stdout.split(separator: "\n").map(String.init) == expected, "\(ips.stdout)")
        // A server started on it restores the server's bans and failscan's.
        let restored = try JailReplayTests.serverStatus(root) { banned, _ in banned.count >= expected.count }
        #expect(restored.banned == Set(expected), "\(restored.banned.sorted())")
    }
}
