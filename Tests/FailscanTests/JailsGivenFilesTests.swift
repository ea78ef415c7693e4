import Foundation
import TestSupport
import Testing

/// Issue 25, logs on the command line: `failscan jails FILE...` gives each file to the jails
/// whose logpath carries its name, `--logpath JAIL=GLOB` replaces a jail's logpath; both
/// equal a configuration whose logpaths were rewritten by hand, output for output.
@Suite struct JailsGivenFilesTests {
    /// A configuration root: the installed jail.conf, paths, filters, and `local`.
    static func config(_ local: String) throws -> String {
        let root = try TestSupport.temporaryDirectory()
        for name in ["jail.conf", "paths-common.conf", "paths-debian.conf", "filter.d", "action.d"] {
            try FileManager.default.createSymbolicLink(
                atPath: root.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/\(name)")
        }
        try local.write(to: root.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        return root.path
    }

    /// An archive's var/log: the Corpus's auth.log and rotated mail logs.
    static func archive() throws -> String {
        let dir = try TestSupport.temporaryDirectory().appendingPathComponent("var/log")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["auth.log", "mail.log", "mail.log.1", "mail.log.2.gz"] {
            try FileManager.default.copyItem(atPath: TestSupport.corpus("logs/\(name)"), toPath: dir.appendingPathComponent(name).path)
        }
        return dir.path
    }

    @Test func filesGivenEqualRewrittenLogpaths() throws {
        let log = try Self.archive()
        let stock = try Self.config(
            "[sshd]\nenabled = true\n[dovecot]\nenabled = true\n[postfix-sasl]\nenabled = true\n[apache-auth]\nenabled = true\n")
        let rewritten = try Self.config(
            "[sshd]\nenabled = true\nlogpath = \(log)/auth.log\n[dovecot]\nenabled = true\nlogpath = \(log)/mail.log\n[postfix-sasl]\nenabled = true\nlogpath = \(log)/mail.log\n[apache-auth]\nenabled = true\nlogpath = \(log)/nothing.log\n"
        )
        let files = try FileManager.default.contentsOfDirectory(atPath: log).map { "\(log)/\($0)" }.sorted() + ["\(log)/../stray.txt"]
        try "a stray file\n".write(toFile: "\(log)/../stray.txt", atomically: true, encoding: .utf8)
        for format in ["json", "csv", "nft", "iptables"] {
            let expected = try TestSupport.failscan(["jails", "--config", rewritten, "--format", format])
            #expect(expected.status == 0, "\(expected.stderr)")
            #expect(!expected.stdout.isEmpty)
            let given = try TestSupport.failscan(["jails", "--config", stock, "--format", format] + files)
            #expect(given.status == 0, "\(given.stderr)")
            #expect(given.stdout == expected.stdout, "\(format)")
            #expect(given.stderr.contains("stray.txt: no selected jail's logpath carries its name"), "\(given.stderr)")
            #expect(given.stderr.contains("[apache-auth] none of the files given"), "\(given.stderr)")
            let byOption = try TestSupport.failscan(
                [
                    "jails", "--config", stock, "--format", format, "--logpath", "sshd=\(log)/auth.log", "--logpath",
                    "dovecot=\(log)/mail.log",
                    "--logpath", "postfix-sasl=\(log)/mail.log", "--logpath", "apache-auth=\(log)/nothing.log",
                ])
            #expect(byOption.status == 0, "\(byOption.stderr)")
            #expect(byOption.stdout == expected.stdout, "\(format)")
        }
        // A rotated file alone goes to the jail reading its log.
        let rotated = try TestSupport.failscan(["jails", "--config", stock, "--jail", "dovecot", "--stats", "\(log)/mail.log.2.gz"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stderr.contains("[dovecot] 1 file(s)"), "\(rotated.stderr)")
        // --logpath for a jail not selected, or malformed: said.
        let unknown = try TestSupport.failscan(["jails", "--config", stock, "--logpath", "nope=/x"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no selected jail [nope]"), "\(unknown.stderr)")
        let malformed = try TestSupport.failscan(["jails", "--config", stock, "--logpath", "sshd"])
        #expect(malformed.status == 64 && malformed.stderr.contains("JAIL=GLOB"), "\(malformed.stderr)")
    }

    /// Journal files given go to the jails of the systemd backend.
    @Test func journalFilesGoToJournalJails() throws {
        let dir = try TestSupport.temporaryDirectory()
        let journal = try TestSupport.journal(entries: 1500, seed: 71, in: dir)
        let stock = try Self.config("[sshd]\nenabled = true\nbackend = systemd\nmaxretry = 3\n[dovecot]\nenabled = true\n")
        let given = try TestSupport.failscan(["jails", "--config", stock, "--jail", "sshd", "--format", "json", journal])
        let direct = try TestSupport.failscan(["scan", "--filter", "sshd", "--maxretry", "3", "--journal", journal, "--format", "json"])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(!given.stdout.isEmpty && given.stdout == direct.stdout)
    }
}

/// Issue 25, item 4: a rotated file named alone in a map belongs to the jail reading its
/// log; a rotated set split across shards is refused by the reduce, by name, for a filter
/// with multi-line state, and accepted for one without.
@Suite struct SplitRotatedSetTests {
    @Test func aRotatedFileAloneAndASplitSet() throws {
        let log = try TestSupport.temporaryDirectory().appendingPathComponent("var/log")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        for name in ["auth.log", "mail.log", "mail.log.1", "mail.log.2.gz"] {
            try FileManager.default.copyItem(atPath: TestSupport.corpus("logs/\(name)"), toPath: log.appendingPathComponent(name).path)
        }
        try FileManager.default.copyItem(atPath: TestSupport.corpus("logs/auth.log"), toPath: log.appendingPathComponent("auth.log.1").path)
        let config = try JailsGivenFilesTests.config(
            "[sshd]\nenabled = true\nlogpath = \(log.path)/auth.log\n[dovecot]\nenabled = true\nlogpath = \(log.path)/mail.log\n")
        let ledgers = try TestSupport.temporaryDirectory()
        // Shard a: auth.log.1 alone and mail.log.2.gz alone; shard b: the rest.
        let a = try TestSupport.failscan(
            ["map", "--config", config, "--shard", "a", "--out", ledgers.path, "\(log.path)/auth.log.1", "\(log.path)/mail.log.2.gz"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(!a.stderr.contains("not read"), "a rotated file alone is its log's: \(a.stderr)")
        let b = try TestSupport.failscan(
            [
                "map", "--config", config, "--shard", "b", "--out", ledgers.path, "\(log.path)/auth.log", "\(log.path)/mail.log",
                "\(log.path)/mail.log.1",
            ])
        #expect(b.status == 0, "\(b.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: ledgers.path).map { "\(ledgers.path)/\($0)" }.sorted()
        let split = try TestSupport.failscan(["reduce", "--config", config, "--format", "json"] + written)
        #expect(split.status == 2, "\(split.stderr)")
        #expect(split.stderr.contains("[sshd] its rotated set is split across shards a, b"), "\(split.stderr)")
        // dovecot has no multi-line state: its split set reduces to one run's bans.
        let dovecotOnly = try JailsGivenFilesTests.config("[dovecot]\nenabled = true\nlogpath = \(log.path)/mail.log\n")
        let dovecotLedgers = try TestSupport.temporaryDirectory()
        for (shard, files) in [("a", ["mail.log.2.gz"]), ("b", ["mail.log", "mail.log.1"])] {
            let map = try TestSupport.failscan(
                ["map", "--config", dovecotOnly, "--shard", shard, "--out", dovecotLedgers.path] + files.map { "\(log.path)/\($0)" })
            #expect(map.status == 0, "\(map.stderr)")
        }
        let reduced = try TestSupport.failscan(
            ["reduce", "--config", dovecotOnly, "--format", "json"]
                + (try FileManager.default.contentsOfDirectory(atPath: dovecotLedgers.path).map { "\(dovecotLedgers.path)/\($0)" }.sorted())
        )
        let whole = try TestSupport.failscan(["jails", "--config", dovecotOnly, "--format", "json"])
        #expect(reduced.status == 0, "\(reduced.stderr)")
        #expect(!whole.stdout.isEmpty && reduced.stdout == whole.stdout)
    }
}

/// Issue 25, fleets: every host has its own /var/log/auth.log. Two hosts mapped from the
/// same paths (as each host maps its own logs) reduce to what one `jails` run over copies
/// of both hosts' files gives, for 1, 3 and 7 partitions and ledgers in any order.
@Suite struct FleetSamePathTests {
    @Test(arguments: [1, 3, 7])
    func hostsWithTheSamePathsReduceAsOneRun(_ partitions: Int) throws {
        let fm = FileManager.default
        let names = ["auth.log", "mail.log", "mail.log.1"]
        // Two hosts' logs: the Corpus's, and the same with another host name, other
        // addresses in part (an attacker of one host is not always the other's).
        func hostLines(_ name: String, _ host: Int) throws -> String {
            // (Real logs hold invalid UTF-8: decoded with replacement, the same for every copy.)
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/\(name)"))), as: UTF8.self)
            return host == 1
                ? text : text.replacingOccurrences(of: " mail ", with: " mail2 ").replacingOccurrences(of: "[45.", with: "[46.")
        }
        let copies = try TestSupport.temporaryDirectory()
        for host in [1, 2] {
            let dir = copies.appendingPathComponent("h\(host)/var/log")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for name in names { try hostLines(name, host).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        }
        // The path both hosts' logs have when each is mapped.
        let live = try TestSupport.temporaryDirectory().appendingPathComponent("var/log")
        try fm.createDirectory(at: live, withIntermediateDirectories: true)
        let config = try JailsGivenFilesTests.config(
            "[sshd]\nenabled = true\nlogpath = \(live.path)/auth.log\nmaxretry = 3\n[dovecot]\nenabled = true\nlogpath = \(live.path)/mail.log\nmaxretry = 3\n"
        )
        let ledgers = try TestSupport.temporaryDirectory()
        for host in [1, 2] {
            for name in names {
                try? fm.removeItem(at: live.appendingPathComponent(name))
                try hostLines(name, host).write(to: live.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            let map = try TestSupport.failscan(
                ["map", "--config", config, "--partitions", String(partitions), "--shard", "web\(host)", "--out", ledgers.path]
                    + names.map { "\(live.path)/\($0)" })
            #expect(map.status == 0, "\(map.stderr)")
        }
        var written = try fm.contentsOfDirectory(atPath: ledgers.path).map { "\(ledgers.path)/\($0)" }.sorted()
        #expect(written.count == 2 * partitions)
        var generator = SeededGenerator(seed: UInt64(partitions))
        written.shuffle(using: &generator)
        let whole = try TestSupport.failscan(
            ["jails", "--config", config, "--format", "json"]
                + [1, 2].flatMap { host in names.map { "\(copies.path)/h\(host)/var/log/\($0)" } })
        #expect(whole.status == 0, "\(whole.stderr)")
        let reduced = try TestSupport.failscan(["reduce", "--config", config, "--format", "json"] + written)
        #expect(reduced.status == 0, "\(reduced.stderr)")
        #expect(whole.stdout.split(separator: "\n").count > 10)
        #expect(reduced.stdout == whole.stdout)
        // The files are named by shard where their paths are shared.
        let csv = try TestSupport.failscan(
            ["reduce", "--config", config, "--format", "sqlite", "--output", "\(ledgers.path)/r.sqlite"] + written)
        #expect(csv.status == 0, "\(csv.stderr)")
        let files = try TestSupport.run("/usr/bin/sqlite3", ["\(ledgers.path)/r.sqlite", "SELECT path FROM files ORDER BY path"])
        #expect(
            files.stdout.contains("web1:\(live.path)/auth.log") && files.stdout.contains("web2:\(live.path)/auth.log"), "\(files.stdout)")
    }

    /// A shard's files kept elsewhere than the logpath says (`/logs/web1/auth.log` for
    /// `/var/log/auth.log`, the README's and the Dask README's examples) go to the jails
    /// whose logpath carries their file name, as `failscan jails FILE...` gives them; the
    /// reduce finds the same jails' files from the ledgers' names.
    @Test func shardFilesNamedByTheirFileNames() throws {
        let fm = FileManager.default
        let logs = try TestSupport.temporaryDirectory()
        var files: [String] = []
        for host in [1, 2] {
            let dir = logs.appendingPathComponent("web\(host)")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for name in ["auth.log", "mail.log", "mail.log.1", "mail.log.2.gz"] {
                let target = dir.appendingPathComponent(name)
                if name.hasSuffix(".gz") {
                    try fm.copyItem(atPath: TestSupport.corpus("logs/\(name)"), toPath: target.path)
                } else {
                    let text = String(
                        decoding: try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/\(name)"))), as: UTF8.self)
                    try (host == 1 ? text : text.replacingOccurrences(of: " mail ", with: " mail2 ")).write(
                        to: target, atomically: true, encoding: .utf8)
                }
                files.append(target.path)
            }
        }
        let config = try JailsGivenFilesTests.config(
            "[sshd]\nenabled = true\nlogpath = /var/log/nonexistent-failscan/auth.log\nmaxretry = 3\n[dovecot]\nenabled = true\nlogpath = /var/log/nonexistent-failscan/mail.log\nmaxretry = 3\n"
        )
        let ledgers = try TestSupport.temporaryDirectory()
        for host in [1, 2] {
            let map = try TestSupport.failscan(
                ["map", "--config", config, "--partitions", "3", "--shard", "web\(host)", "--out", ledgers.path]
                    + files.filter { $0.contains("/web\(host)/") })
            #expect(map.status == 0 && map.stderr.isEmpty, "\(map.stderr)")
        }
        let written = try fm.contentsOfDirectory(atPath: ledgers.path).map { "\(ledgers.path)/\($0)" }.sorted()
        let whole = try TestSupport.failscan(["jails", "--config", config, "--format", "json"] + files)
        let reduced = try TestSupport.failscan(["reduce", "--config", config, "--format", "json"] + written.reversed())
        #expect(whole.status == 0 && reduced.status == 0, "\(whole.stderr)\(reduced.stderr)")
        #expect(whole.stdout.contains("\"jail\":\"sshd\"") && whole.stdout.contains("\"jail\":\"dovecot\""))
        #expect(reduced.stdout == whole.stdout)
    }
}
