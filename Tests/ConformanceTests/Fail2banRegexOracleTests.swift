import Foundation
import TestSupport
import Testing

/// failscan against fail2ban-regex (the installed Debian package) on the shipped sample
/// logs: the same matched lines, the same addresses, the same times.
@Suite(.serialized) struct Fail2banRegexOracleTests {
    /// A comparison: the log, the filter fail2ban reads, the filter failscan reads.
    struct Case: CustomTestStringConvertible, Sendable {
        let log: String
        let fail2banFilter: String
        let failscanFilter: String
        var testDescription: String { "\(log) with \(failscanFilter)" }
    }

    static let seedDovecotHostForm = "seed-dovecot-host-form"

    static let cases: [Case] = {
        var cases: [Case] = []
        for log in ["mail.log", "mail.log.1", "mail.log.2.gz"] {
            cases.append(Case(log: log, fail2banFilter: seedDovecotHostForm, failscanFilter: "filters/dovecot.conf"))
            cases.append(
                Case(log: log, fail2banFilter: "/etc/fail2ban/filter.d/dovecot.conf", failscanFilter: "/etc/fail2ban/filter.d/dovecot.conf")
            )
            cases.append(Case(log: log, fail2banFilter: "filters/qpoppermail.conf", failscanFilter: "filters/qpoppermail.conf"))
        }
        cases.append(Case(log: "auth.log", fail2banFilter: "filters/qpopperauth.conf", failscanFilter: "filters/qpopperauth.conf"))
        return cases
    }()

    /// The seed dovecot filter as fail2ban 1.0 can load it: `rip=<HOST>,` instead of
    /// `rip=(?P<HOST>\S*),`, everything else as its author wrote it, beside common.conf.
    static func seedDovecotInHostForm(in directory: URL) throws -> String {
        let seed = try String(contentsOfFile: TestSupport.corpus("filters/dovecot.conf"), encoding: .utf8)
        let hostForm = seed.replacingOccurrences(of: #"rip=(?P<HOST>\S*),"#, with: "rip=<HOST>,")
        #expect(hostForm != seed)
        let path = directory.appendingPathComponent("dovecot-host.conf")
        try hostForm.write(to: path, atomically: true, encoding: .utf8)
        try? FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("common.conf").path,
            withDestinationPath: "/etc/fail2ban/filter.d/common.conf")
        return path.path
    }

    func resolve(_ filter: String, scratch: URL) throws -> String {
        if filter == Self.seedDovecotHostForm { return try Self.seedDovecotInHostForm(in: scratch) }
        return filter.hasPrefix("/") ? filter : TestSupport.corpus(filter)
    }

    @Test(arguments: cases)
    func sameFailuresAsFail2banRegex(_ c: Case) throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let scratch = try TestSupport.temporaryDirectory()
        var plainLog = TestSupport.corpus("logs/\(c.log)")
        if c.log.hasSuffix(".gz") {
            // fail2ban-regex does not read gzip: give it the inflated copy, failscan the .gz.
            plainLog = scratch.appendingPathComponent("plain.log").path
            let inflated = try TestSupport.run("/bin/sh", ["-c", "gzip -dc '\(TestSupport.corpus("logs/\(c.log)"))' > '\(plainLog)'"])
            #expect(inflated.status == 0)
        }
        let now = Int(Date().timeIntervalSince1970)
        let reference = try TestSupport.run(
            fail2ban, ["-o", "<time> <ip>", plainLog, try resolve(c.fail2banFilter, scratch: scratch)],
            environment: ["TZ": "UTC"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected: [(Int, String)] = reference.stdout.split(separator: "\n").compactMap { row in
            let fields = row.split(separator: " ")
            guard fields.count >= 2, let time = Double(fields[0]) else { return nil }
            return (Int(time), String(fields[1]))
        }
        let ours = try TestSupport.failscan(
            [
                "regex", "--json", "--now", String(now), TestSupport.corpus("logs/\(c.log)"),
                try resolve(c.failscanFilter, scratch: scratch),
            ], environment: ["TZ": "UTC"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let actual: [(Int, String)] = try TestSupport.jsonRows(ours.stdout).map { row in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            return (try #require(object["time"] as? Int), try #require(object["ip"] as? String))
        }
        #expect(expected.count > 20, "the sample log should exercise this filter")
        // Same addresses, as often.
        #expect(actual.map(\.1).sorted() == expected.map(\.1).sorted())
        // Same times, except where fail2ban-regex stamps a line without a date with the
        // current time; failscan uses the date of the line above (an archive is not "now").
        let dated = expected.filter { abs($0.0 - now) > 300 }
        let undated = expected.count - dated.count
        let ourDated = actual.filter { pair in dated.contains { $0 == pair } }
        #expect(ourDated.count == dated.count)
        #expect(actual.map { "\($0.0) \($0.1)" }.sorted().count - ourDated.count == undated)
    }

    /// The ban list end to end: fail2ban-regex's failures put through the textbook
    /// sliding-window rule (written here independently) give failscan's list.
    @Test func banListMatchesFail2banFailuresUnderTheSameRule() throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let scratch = try TestSupport.temporaryDirectory()
        var times: [String: [Int]] = [:]
        for log in ["mail.log.2.gz", "mail.log.1", "mail.log"] {
            var path = TestSupport.corpus("logs/\(log)")
            if log.hasSuffix(".gz") {
                let plain = scratch.appendingPathComponent("plain").path
                _ = try TestSupport.run("/bin/sh", ["-c", "gzip -dc '\(path)' > '\(plain)'"])
                path = plain
            }
            let out = try TestSupport.run(
                fail2ban, ["-o", "<time> <ip>", path, "/etc/fail2ban/filter.d/dovecot.conf"], environment: ["TZ": "UTC"])
            for row in out.stdout.split(separator: "\n") {
                let f = row.split(separator: " ")
                if f.count >= 2, let t = Double(f[0]) { times[String(f[1]), default: []].append(Int(t)) }
            }
        }
        let maxretry = 3, findtime = 300
        let expected = times.filter { _, list in
            let sorted = list.sorted()
            guard sorted.count >= maxretry else { return false }
            return (maxretry - 1..<sorted.count).contains { sorted[$0] - sorted[$0 - maxretry + 1] <= findtime }
        }.keys.sorted()
        let ours = try TestSupport.failscan(
            [
                "scan", "--filter", "dovecot", "--window", "sliding", "--maxretry", "\(maxretry)", "--findtime", "\(findtime)",
                TestSupport.corpus("logs/mail.log"), TestSupport.corpus("logs/mail.log.1"),
                TestSupport.corpus("logs/mail.log.2.gz"),
            ], environment: ["TZ": "UTC"])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(!expected.isEmpty)
        #expect(ours.stdout.split(separator: "\n").map(String.init).sorted() == expected)
    }

    /// Realistic OpenSSH 8/9 logs under attack (Corpus/generate.py matrix: random PIDs that
    /// come back, invalid users, preauth disconnects, pam lines): the same failures, address
    /// and user, as fail2ban-regex, for sshd in its normal and aggressive modes. This is the
    /// test that found the 100-connection bound of fail2ban's multi-line cache.
    @Test(arguments: ["sshd", "sshd[mode=aggressive]"])
    func generatedSshdAttackLogsGiveTheSameFailures(_ filter: String) throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let dir = try Self.matrixLogs(size: "600K")
        for log in ["auth-attack60.log", "auth-attack10.log"] {
            let path = dir + "/" + log
            let theirs = try TestSupport.run(fail2ban, ["-o", "<ip> <F-USER>", path, filter], environment: ["TZ": "UTC"])
            let ours = try TestSupport.failscan(["regex", "--json", "--count-unterminated", path, filter], environment: ["TZ": "UTC"])
            let expected = theirs.stdout.split(separator: "\n").map(String.init).sorted()
            let got = try Self.addressesAndUsers(ours.stdout)
            #expect(expected.count > 100, "\(log): the log should exercise \(filter)")
            #expect(got == expected, "\(log) with \(filter): \(got.count) failures against fail2ban-regex's \(expected.count)")
        }
    }

    /// fail2ban keeps one filter per jail over all its files: an sshd session that spans a
    /// rotation keeps its multi-line state. The attack log cut into auth.log.2.gz,
    /// auth.log.1 and auth.log (given newest first) gives fail2ban-regex's failures on the
    /// whole log, per address.
    @Test func multiLineStateRunsThroughRotatedFiles() throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let dir = try Self.matrixLogs(size: "300K")
        let whole = dir + "/auth-attack60.log"
        let lines = try String(contentsOfFile: whole, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let third = lines.count / 3
        var parts = [lines[..<third], lines[third..<(2 * third)], lines[(2 * third)...]].map { $0.joined(separator: "\n") }
        // Sessions cut by the rotation: the address on the last line of one file, the
        // failure without an address on the first line of the next.
        for (index, pid) in [(0, 99991), (1, 99992)] {
            let date = String(lines[(index + 1) * third - 1].prefix(15))
            parts[index] += "\n\(date) host sshd[\(pid)]: Connection from 198.51.100.\(index + 201) port 40000 on 192.0.2.1 port 22"
            parts[index + 1] =
                "\(date) host sshd[\(pid)]: Disconnecting: Too many authentication failures for root [preauth]\n" + parts[index + 1]
        }
        try parts.joined(separator: "\n").write(toFile: whole, atomically: true, encoding: .utf8)
        try (parts[0] + "\n").write(toFile: dir + "/auth.log.2", atomically: true, encoding: .utf8)
        _ = try TestSupport.run("/bin/gzip", [dir + "/auth.log.2"])
        try (parts[1] + "\n").write(toFile: dir + "/auth.log.1", atomically: true, encoding: .utf8)
        try parts[2].write(toFile: dir + "/auth.log", atomically: true, encoding: .utf8)
        let theirs = try TestSupport.run(fail2ban, ["-o", "<ip>", whole, "sshd"], environment: ["TZ": "UTC"])
        var expected: [String: Int] = [:]
        for ip in theirs.stdout.split(separator: "\n") { expected[String(ip), default: 0] += 1 }
        let ours = try TestSupport.failscan(
            [
                "scan", "--filter", "sshd", "--maxretry", "1000000", "--format", "json", "--no-ignoreself", dir + "/auth.log",
                dir + "/auth.log.1",
                dir + "/auth.log.2.gz",
            ], environment: ["TZ": "UTC"])
        #expect(ours.status == 0, "\(ours.stderr)")
        var got: [String: Int] = [:]
        for row in ours.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as! [String: Any]
            got[object["ip"] as! String] = object["failures"] as? Int
        }
        #expect(expected.values.reduce(0, +) > 100)
        #expect(expected["198.51.100.201"] == 1 && expected["198.51.100.202"] == 1, "the planted sessions fail in fail2ban")
        #expect(got == expected)
    }

    /// Lines fail2ban sees as Unicode text: NBSP, NEL and 0x1C-0x1F where a filter has `\s`
    /// or `\S`, non-ASCII and invalid UTF-8 user names, CRLF. fail2ban decodes them
    /// (invalid bytes become U+FFFD) and matches with Python's `re`; failscan must find the
    /// same failures with the same address and user.
    @Test(arguments: ["sshd", "dovecot", "apache-auth", "nginx-http-auth"])
    func unicodeTextLinesMatchAsFail2banSeesThem(_ filter: String) throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let users: [[UInt8]] = [
            Array("root".utf8), Array("müller".utf8), Array("田中".utf8), Array("bad".utf8) + [0xFF] + Array("name".utf8),
            Array("trunc".utf8) + [0xE3, 0x81], Array("ro".utf8) + [0xC2, 0xA0] + Array("ot".utf8),
            Array("ro".utf8) + [0x1C] + Array("ot".utf8),
            Array("a".utf8) + [0xC2, 0x85] + Array("b".utf8), [0xED, 0xA0, 0x80] + Array("x".utf8),
        ]
        let spaces: [[UInt8]] = [[0x20], [0xC2, 0xA0], [0x1F], [0xE3, 0x80, 0x80]]
        var log: [UInt8] = []
        var n = 0
        for user in users {
            for space in spaces {
                for ending in [[UInt8(10)], [13, 10]] {
                    n += 1
                    let ip = Array("192.0.2.\(n)".utf8)
                    let second = String(format: "%02d", n % 60)
                    var line: [UInt8]
                    // The variable space sits where the filter has `\s` (Python's takes NBSP,
                    // U+3000 and 0x1F, PCRE2's byte mode does not) or inside a `\S*` field.
                    switch filter {
                    case "sshd":
                        line =
                            Array("Nov 26 10:00:\(second) host sshd[\(1000 + n)]: Failed password for ".utf8) + user
                            + Array(" from ".utf8) + ip + space + Array("port 4000 ssh2".utf8)
                    case "dovecot":
                        line =
                            Array(
                                "Nov 26 10:00:\(second) host dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname=".utf8)
                            + user + Array(" uid=0 euid=0 tty=dovecot ruser=".utf8) + user + space + Array("rhost=".utf8) + ip
                    case "apache-auth":
                        line =
                            Array("[Wed Nov 26 10:00:\(second).123456 2026]".utf8) + space
                            + Array("[auth_basic:error] [pid 1:tid 2] [client ".utf8) + ip + Array(":5000] AH01618: user ".utf8) + user
                            + Array(" not found: /private".utf8)
                    default:
                        line =
                            Array("2026/11/26 10:00:\(second)".utf8) + space + Array("[error] 1#1: *\(n) user \"".utf8) + user
                            + Array("\" was not found in \"/etc/nginx/htpasswd\", client: ".utf8) + ip
                            + Array(", server: example.org, request: \"GET / HTTP/1.1\", host: \"example.org\"".utf8)
                    }
                    log += line + ending
                }
            }
        }
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("unicode.log").path
        try Data(log).write(to: URL(fileURLWithPath: path))
        let theirs = try TestSupport.run(fail2ban, ["-o", "<ip> <F-USER>", path, filter], environment: ["TZ": "UTC", "LANG": "C.UTF-8"])
        let ours = try TestSupport.failscan(["regex", "--json", path, filter], environment: ["TZ": "UTC"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let expected = theirs.stdout.split(separator: "\n").map(String.init).sorted()
        let got = try Self.addressesAndUsers(ours.stdout)
        #expect(expected.count > 10, "fail2ban should match some of the \(n) lines")
        #expect(got == expected, "\(filter): ours \(Set(got).subtracting(expected)), theirs \(Set(expected).subtracting(got))")
    }

    /// A temporary directory holding `Corpus/generate.py matrix --size <size>`'s logs.
    static func matrixLogs(size: String) throws -> String {
        let dir = try TestSupport.temporaryDirectory().path
        let generate = try TestSupport.run(
            "/usr/bin/python3",
            [TestSupport.packageRoot.appendingPathComponent("Corpus/generate.py").path, "matrix", "--size", size, dir])
        #expect(generate.status == 0, "\(generate.stderr)")
        return dir
    }

    /// `failscan regex --json` rows as fail2ban-regex's `-o "<ip> <F-USER>"` prints them, sorted.
    static func addressesAndUsers(_ json: String) throws -> [String] {
        try TestSupport.jsonRows(json).map { row -> String in
            let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as! [String: Any]
            let fields = object["fields"] as? [String: Any] ?? [:]
            return "\(object["ip"] as! String) \(fields["user"] as? String ?? "")"
        }.sorted()
    }
}
