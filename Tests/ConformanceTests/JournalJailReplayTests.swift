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

    /// A fail2ban root in a temporary folder whose jails read the journal files there.
    static func makeRoot(journals: String) throws -> URL {
        let root = try TestSupport.temporaryDirectory()
        let fm = FileManager.default
        for name in ["fail2ban.conf", "jail.conf", "paths-common.conf", "paths-debian.conf", "action.d"] {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/\(name)")
        }
        let filters = root.appendingPathComponent("filter.d")
        try fm.createDirectory(at: filters, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: "/etc/fail2ban/filter.d") {
            try fm.createSymbolicLink(
                atPath: filters.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/filter.d/\(name)")
        }
        try fm.copyItem(
            atPath: TestSupport.corpus("filters/qpoppermail.conf"), toPath: filters.appendingPathComponent("qpoppermail.conf").path)
        let path = root.path
        try
            "[Definition]\nlogtarget = \(path)/fail2ban.log\nsocket = \(path)/fail2ban.sock\npidfile = \(path)/fail2ban.pid\ndbfile = \(path)/fail2ban.sqlite3\n"
            .write(to: root.appendingPathComponent("fail2ban.local"), atomically: true, encoding: .utf8)
        try """
        [DEFAULT]
        backend = systemd[journalfiles="\(journals)"]
        banaction = dummy
        action = dummy[target=\(path)/dummy.txt]
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
        """.write(to: root.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func sameBansAsALiveFail2banServerReadingTheJournal() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/fail2ban-client"), Comment(rawValue: TestSupport.fail2banHint))
        let dir = try TestSupport.temporaryDirectory()
        // 40 minutes of entries ending a minute ago, in two files (archived, then live).
        let end = Date().timeIntervalSince1970 - 60
        _ = try TestSupport.journal(entries: 1800, seed: 31, start: end - 2400, step: 0.7, named: "system@1.journal", in: dir)
        _ = try TestSupport.journal(entries: 1600, seed: 32, start: end - 1140, step: 0.7, named: "system.journal", in: dir)
        let root = try Self.makeRoot(journals: "\(dir.path)/*.journal")
        let path = root.path
        let env = ["TZ": "UTC"]
        let start = try TestSupport.run("/usr/bin/fail2ban-client", ["-c", path, "-x", "start"], environment: env)
        #expect(start.status == 0, "\(start.stderr)")
        defer { _ = try? TestSupport.run("/usr/bin/fail2ban-client", ["-c", path, "stop"], environment: env) }
        // Wait until every jail's failure count stays put for a second.
        var last: [Int] = []
        var stable = 0
        for _ in 0..<300 where stable < 10 {
            usleep(100_000)
            var counts: [Int] = []
            for jail in Self.jails {
                let status = try TestSupport.run("/usr/bin/fail2ban-client", ["-c", path, "status", jail], environment: env)
                let line = status.stdout.split(separator: "\n").first { $0.contains("Total failed") }
                counts.append(line.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? -1)
            }
            stable = counts == last && !counts.contains(-1) && counts.allSatisfy({ $0 > 0 }) ? stable + 1 : 0
            last = counts
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var theirs: [String: [String: [Int]]] = [:]
        for jail in Self.jails {
            let list = try TestSupport.run("/usr/bin/fail2ban-client", ["-c", path, "get", jail, "banip", "--with-time"], environment: env)
            for line in list.stdout.split(separator: "\n") {
                let parts = line.split(separator: "\t")
                guard parts.count == 2 else { continue }
                let times = parts[1].components(separatedBy: " + ")
                guard times.count == 2, let startDate = formatter.date(from: times[0]),
                    let endText = times[1].components(separatedBy: " = ").last, let endDate = formatter.date(from: endText)
                else { continue }
                theirs[jail, default: [:]][parts[0].trimmingCharacters(in: .whitespaces)] = [
                    Int(startDate.timeIntervalSince1970), Int(endDate.timeIntervalSince1970),
                ]
            }
        }
        let ours = try TestSupport.failscan(["jails", "--config", path, "--format", "json"], environment: env)
        #expect(ours.status == 0, "\(ours.stderr)")
        var mine: [String: [String: [Int]]] = [:]
        for row in ours.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            guard object["banned"] as? Bool == true else { continue }
            let bans = object["bans"] as! [Int], until = object["until"] as! [Int]
            mine[object["jail"] as! String, default: [:]][object["ip"] as! String] = [bans.last!, until.last!]
        }
        for jail in Self.jails {
            let a = theirs[jail] ?? [:], b = mine[jail] ?? [:]
            #expect(a.count >= 3, "\(jail): the live server should ban")
            #expect(
                Set(a.keys) == Set(b.keys),
                "\(jail): banned by fail2ban only \(Set(a.keys).subtracting(b.keys)), by failscan only \(Set(b.keys).subtracting(a.keys))")
            for (ip, span) in a where b[ip] != nil {
                #expect(b[ip] == span, "\(jail) \(ip): fail2ban bans \(span), failscan \(b[ip]!)")
            }
        }
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
        let env = ["TZ": "UTC"]
        func status(_ root: URL, until done: (Int) -> Bool) throws -> (banned: Set<String>, failed: Int) {
            let start = try TestSupport.run("/usr/bin/fail2ban-client", ["-c", root.path, "-x", "start"], environment: env)
            #expect(start.status == 0, "\(start.stderr)")
            defer { _ = try? TestSupport.run("/usr/bin/fail2ban-client", ["-c", root.path, "stop"], environment: env) }
            var last: (Set<String>, Int) = ([], -1)
            for _ in 0..<60 {
                usleep(100_000)
                let out = try TestSupport.run("/usr/bin/fail2ban-client", ["-c", root.path, "status", "sshd"], environment: env)
                let lines = out.stdout.split(separator: "\n")
                func value(_ key: String) -> Substring? {
                    lines.first { $0.contains(key) }.map { $0.split(separator: ":", maxSplits: 1)[1] }
                }
                if let list = value("Banned IP list"), let failed = value("Total failed") {
                    last = (
                        Set(list.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)),
                        Int(failed.trimmingCharacters(in: .whitespaces)) ?? -1
                    )
                    if done(last.1) { break }
                }
            }
            return last
        }
        let control = try Self.makeRoot(journals: "\(dir.path)/*.journal")
        let expected = try TestSupport.failscan(["jails", "--config", control.path, "--jail", "sshd", "--stats"], environment: env)
        let failures = try #require(
            expected.stderr.split(separator: "\n").first { $0.contains("[sshd]") && $0.contains("failure(s)") }
                .flatMap { line in line.split(separator: ",").first { $0.contains("failure(s)") } }
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) })
        #expect(failures > 50)
        let fresh = try status(control) { $0 >= failures }
        #expect(fresh.failed == failures, "a server without the handoff reads the whole journal")

        let root = try Self.makeRoot(journals: "\(dir.path)/*.journal")
        let db = root.appendingPathComponent("fail2ban.sqlite3").path
        let written = try TestSupport.failscan(
            ["jails", "--config", root.path, "--jail", "sshd", "--format", "fail2ban-db", "--output", db], environment: env)
        #expect(written.status == 0, "\(written.stderr)")
        let row = try TestSupport.run("/usr/bin/sqlite3", [db, "SELECT path, firstlinemd5, lastfilepos FROM logs WHERE jail = 'sshd'"])
        let fields = row.stdout.trimmingCharacters(in: .newlines).split(separator: "|")
        #expect(fields.count == 3 && fields[0] == "systemd-journal", "\(row.stdout)")
        #expect(fields.count == 3 && fields[1].hasSuffix("+00:00 "), "the date text as fail2ban keeps it: \(row.stdout)")
        if fields.count == 3, let position = Double(fields[2]) { #expect(abs(position - end) < 3, "the last entry's time") }
        let listed = try TestSupport.failscan(["jails", "--config", root.path, "--jail", "sshd"], environment: env)
        let addresses = Set(listed.stdout.split(separator: "\n").map(String.init))
        #expect(addresses.count >= 3)
        // Three seconds: time for the server to read the journal, were it to read it.
        let taken = try status(root) { _ in false }
        #expect(taken.banned == addresses, "the preloaded bans are restored")
        #expect(taken.failed <= 1, "the server reads on from the last entry (fail2ban itself re-reads at most that one): \(taken.failed)")
    }
}
