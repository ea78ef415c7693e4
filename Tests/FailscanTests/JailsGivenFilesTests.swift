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
