import Foundation
import TestSupport
import Testing

/// Issue 25, `--root DIR`: a restored system read as it is. The configuration comes from
/// DIR/etc/fail2ban, its includes, filters, logpaths and journal paths resolve inside DIR
/// as chroot would (a link never leads out), and the result equals a configuration whose
/// logpaths were rewritten by hand, format for format.
@Suite(.serialized) struct RootTests {
    /// A restored tree: a copy of the installed /etc/fail2ban (jail.d's sshd included), a
    /// jail.local enabling dovecot and postfix-sasl, and the Corpus's logs in var/log.
    /// - Parameter directory: where (default: a new temporary directory).
    static func restoredTree(at directory: URL? = nil) throws -> URL {
        let root = try directory ?? TestSupport.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: "/etc/fail2ban", toPath: root.appendingPathComponent("etc/fail2ban").path)
        try "[sshd]\nenabled = true\n[dovecot]\nenabled = true\n[postfix-sasl]\nenabled = true\n".write(
            to: root.appendingPathComponent("etc/fail2ban/jail.local"), atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("var/log")
        try fm.createDirectory(at: log, withIntermediateDirectories: true)
        for name in ["auth.log", "mail.log", "mail.log.1", "mail.log.2.gz"] {
            try fm.copyItem(atPath: TestSupport.corpus("logs/\(name)"), toPath: log.appendingPathComponent(name).path)
        }
        return root
    }

    static func dump(_ database: String) throws -> String {
        try TestSupport.run("/usr/bin/sqlite3", [database, ".dump"]).stdout.split(separator: "\n").sorted().joined(separator: "\n")
    }

    @Test func aRestoredTreeEqualsRewrittenLogpaths() throws {
        let root = try Self.restoredTree()
        let log = root.appendingPathComponent("var/log").path
        // The same configuration, its logpaths rewritten by hand to the tree's files.
        let rewritten = try TestSupport.temporaryDirectory().appendingPathComponent("fail2ban")
        try FileManager.default.copyItem(at: root.appendingPathComponent("etc/fail2ban"), to: rewritten)
        try
            "[sshd]\nenabled = true\nlogpath = \(log)/auth.log\n[dovecot]\nenabled = true\nlogpath = \(log)/mail.log\n[postfix-sasl]\nenabled = true\nlogpath = \(log)/mail.log\n"
            .write(to: rewritten.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        let out = try TestSupport.temporaryDirectory()
        for format in [
            "list", "json", "csv", "iptables", "ip6tables", "ipset", "nft", "firewalld", "crowdsec", "crowdsec-json", "fail2ban-db",
            "sqlite",
        ] {
            let file = ["fail2ban-db", "sqlite"].contains(format) ? out.appendingPathComponent(format).path : nil
            let extra = (format == "fail2ban-db" ? ["--active-at", "2026-10-26"] : []) + (file.map { ["--output", $0 + ".root"] } ?? [])
            let ours = try TestSupport.failscan(["jails", "--root", root.path, "--format", format] + extra, environment: ["TZ": "UTC"])
            #expect(ours.status == 0, "\(format): \(ours.stderr)")
            let extraRewritten =
                (format == "fail2ban-db" ? ["--active-at", "2026-10-26"] : []) + (file.map { ["--output", $0 + ".config"] } ?? [])
            let theirs = try TestSupport.failscan(
                ["jails", "--config", rewritten.path, "--format", format] + extraRewritten, environment: ["TZ": "UTC"])
            #expect(theirs.status == 0, "\(format): \(theirs.stderr)")
            if let file, format == "fail2ban-db" {
                // The logs' rows name them as the restored system's fail2ban will look them up.
                let rooted = try Self.dump(file + ".root")
                #expect(rooted.contains("'sshd','/var/log/auth.log'"), "\(rooted)")
                #expect(rooted.replacingOccurrences(of: "'/var/log/", with: "'\(log)/") == (try Self.dump(file + ".config")))
            } else if let file {
                #expect(try Self.dump(file + ".root") == Self.dump(file + ".config"), "\(format)")
            } else {
                #expect(!ours.stdout.isEmpty && ours.stdout == theirs.stdout, "\(format)")
            }
        }
    }

    /// Links in the image resolve inside it: an absolute link to another log of the image
    /// is read; links (absolute, relative with `..`) to a file outside are never followed
    /// out, and strace sees no file opened outside the root but the libraries and the
    /// time zone.
    @Test func nothingOutsideTheRootIsRead() throws {
        let root = try Self.restoredTree()
        let fm = FileManager.default
        let log = root.appendingPathComponent("var/log").path
        // Inside the image: var/log/auth.log.1 -> /var/log/old/auth.log.1 (the image's).
        try fm.createDirectory(atPath: log + "/old", withIntermediateDirectories: true)
        try "Oct 26 06:00:00 mail sshd[7]: Failed password for root from 198.51.100.250 port 22 ssh2\n".write(
            toFile: log + "/old/auth.log.1", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: log + "/auth.log.1", withDestinationPath: "/var/log/old/auth.log.1")
        // Outside it: a log of failures the image's links must never reach.
        let outside = try TestSupport.temporaryDirectory()
        var trap = ""
        for k in 0..<20 { trap += "Oct 26 0\(k % 10):00:00 mail sshd[9]: Failed password for root from 198.18.0.99 port \(k) ssh2\n" }
        try trap.write(toFile: outside.path + "/auth.log", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: log + "/auth.log.2", withDestinationPath: outside.path + "/auth.log")
        try fm.createSymbolicLink(
            atPath: log + "/auth.log.3", withDestinationPath: "../../../../../../../../.." + outside.path + "/auth.log")
        try fm.createSymbolicLink(
            atPath: root.appendingPathComponent("etc/fail2ban/jail.d/trap.local").path, withDestinationPath: outside.path + "/trap.local")
        try "[sshd]\nenabled = true\nlogpath = \(outside.path)/auth.log\n".write(
            toFile: outside.path + "/trap.local", atomically: true, encoding: .utf8)
        let trace = outside.appendingPathComponent("trace").path
        let ours = try TestSupport.run(
            "/usr/bin/strace",
            [
                "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", trace, TestSupport.failscanBinary, "jails", "--root", root.path,
                "--format", "json",
            ])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout.contains("198.51.100.250") || ours.stdout.contains("\"ip\""), "\(ours.stdout.prefix(300))")
        #expect(!ours.stdout.contains("198.18.0.99"), "a link led out of the root")
        let counted = try TestSupport.failscan(["jails", "--root", root.path, "--jail", "sshd", "--stats"])
        #expect(counted.stderr.contains("[sshd] 2 file(s)"), "auth.log.1 (the image's) and auth.log: \(counted.stderr)")
        let binaryDirectory = URL(fileURLWithPath: TestSupport.failscanBinary).deletingLastPathComponent().path + "/"
        let allowed = [
            binaryDirectory, "/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/opt/swift/", "/etc/ld.so.cache", "/etc/localtime",
            "/usr/share/zoneinfo/", "/proc/", "/sys/", "/dev/",
        ]
        let opened = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            guard let start = line.firstIndex(of: "\""), let end = line[line.index(after: start)...].firstIndex(of: "\"") else {
                return nil
            }
            return String(line[line.index(after: start)..<end])
        }
        let outsideRoot = Set(opened.filter { path in !path.hasPrefix(root.path + "/") && !allowed.contains { path.hasPrefix($0) } })
        #expect(outsideRoot.isEmpty, "opened outside the root: \(outsideRoot.sorted())")
        #expect(opened.contains { $0.hasPrefix(root.path + "/etc/fail2ban/jail.conf") })
    }

    /// `regex --root` looks filters up in the root's configuration; `--root` of something
    /// that is no directory is a usage error; map refuses it for now, by name.
    @Test func regexAndErrors() throws {
        let root = try Self.restoredTree()
        try "[Definition]\nfailregex = \\(<HOST>\\):.* Password supplied for \"<F-USER>[^\"]+</F-USER>\" is incorrect\n"
            .write(to: root.appendingPathComponent("etc/fail2ban/filter.d/only-in-root.conf"), atomically: true, encoding: .utf8)
        let found = try TestSupport.failscan(["regex", "--root", root.path, TestSupport.corpus("logs/mail.log"), "only-in-root"])
        #expect(found.status == 0, "\(found.stderr)")
        let missing = try TestSupport.failscan(["regex", TestSupport.corpus("logs/mail.log"), "only-in-root"])
        #expect(missing.status != 0)
        let bad = try TestSupport.failscan(["jails", "--root", "/nonexistent-root"])
        #expect(bad.status == 64 && bad.stderr.contains("--root"), "\(bad.stderr)")
        let map = try TestSupport.failscan(["map", "--root", "/nonexistent-root", "--out", root.path + "/ledgers"])
        #expect(map.status == 64 && map.stderr.contains("--root /nonexistent-root: not a directory"), "\(map.stderr)")
    }

    /// A read-only mount (a disk image mounted `ro`): jails and map read it as they read a
    /// writable tree, and write nothing there (a bind mount remounted read-only in a user
    /// and mount namespace).
    @Test func aReadOnlyRoot() throws {
        let root = try Self.restoredTree()
        let out = try TestSupport.temporaryDirectory().path
        let writable = try TestSupport.failscan(["jails", "--root", root.path, "--format", "json"])
        #expect(writable.status == 0 && writable.stdout.split(separator: "\n").count > 5, "\(writable.stderr)")
        let script = """
            set -e
            mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"
            if touch "$1/probe" 2>/dev/null; then echo "the mount is writable" >&2; exit 9; fi
            "$2" jails --root "$1" --format json > "$3/ro.json"
            "$2" map --root "$1" --shard ro --out "$3/ledgers" > /dev/null
            """
        let run = try TestSupport.run(
            "/usr/bin/unshare", ["-rm", "/bin/sh", "-c", script, "sh", root.path, TestSupport.failscanBinary, out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: out + "/ro.json", encoding: .utf8) == writable.stdout)
        #expect(FileManager.default.fileExists(atPath: out + "/ledgers/ro.p0-of-1.ledger.zst"))
    }

    /// A jail of the systemd backend under `--root` reads the root's /var/log/journal.
    @Test func theRootsJournal() throws {
        let root = try Self.restoredTree()
        let machine = root.appendingPathComponent("var/log/journal/5c1d6bd4a1a24b3f8f5de3d5b2d3c0a1")
        try FileManager.default.createDirectory(at: machine, withIntermediateDirectories: true)
        _ = try TestSupport.journal(entries: 1500, seed: 81, named: "system.journal", in: machine)
        try "[sshd]\nenabled = true\nbackend = systemd\nmaxretry = 3\n".write(
            to: root.appendingPathComponent("etc/fail2ban/jail.local"), atomically: true, encoding: .utf8)
        let ours = try TestSupport.failscan(["jails", "--root", root.path, "--jail", "sshd", "--format", "json"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let direct = try TestSupport.failscan(
            [
                "scan", "--filter", "sshd", "--maxretry", "3", "--journal", root.appendingPathComponent("var/log/journal").path, "--format",
                "json",
            ])
        #expect(!ours.stdout.isEmpty && ours.stdout == direct.stdout)
        // A jail reading files that finds none, on a system that keeps a journal: the note
        // says how to read it.
        try "[sshd]\nenabled = true\nlogpath = /var/log/secure\n".write(
            to: root.appendingPathComponent("etc/fail2ban/jail.local"), atomically: true, encoding: .utf8)
        let files = try TestSupport.failscan(["jails", "--root", root.path, "--jail", "sshd"])
        #expect(
            files.stderr.contains("no log file matches /var/log/secure; this system keeps a journal: read it with --backend systemd"),
            "\(files.stderr)")
        let forced = try TestSupport.failscan(["jails", "--root", root.path, "--jail", "sshd", "--backend", "systemd", "--format", "json"])
        #expect(forced.status == 0 && forced.stdout.split(separator: "\n").count > 5, "\(forced.stderr)")
    }
}

/// Issue 25, fleets of restored hosts: `failscan map --root DIR` maps a host's copy as
/// `failscan jails --root` reads it (its configuration, logpaths with rotated siblings, its
/// journal), its ledgers naming the files by the host's own paths; two hosts whose logs
/// share every path reduce to what one `failscan jails` over both hosts' files gives.
@Suite struct MapRootTests {
    /// Two restored hosts: the Corpus's logs, the second's with another host name and other
    /// addresses in part, each with its own journal read by a systemd jail.
    static func hosts() throws -> [URL] {
        var roots: [URL] = []
        for host in [1, 2] {
            let root = try RootTests.restoredTree()
            let log = root.appendingPathComponent("var/log")
            if host == 2 {
                for name in ["auth.log", "mail.log", "mail.log.1"] {
                    let file = log.appendingPathComponent(name)
                    let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
                    // (An attacker of this host alone: 46.190.49.141.)
                    try text.replacingOccurrences(of: " mail ", with: " mail2 ").replacingOccurrences(of: "[45.", with: "[46.")
                        .replacingOccurrences(of: "45.190.49.141", with: "46.190.49.141")
                        .write(to: file, atomically: true, encoding: .utf8)
                }
            }
            let machine = log.appendingPathComponent("journal/5c1d6bd4a1a24b3f8f5de3d5b2d3c0a1")
            try FileManager.default.createDirectory(at: machine, withIntermediateDirectories: true)
            _ = try TestSupport.journal(entries: 1200, seed: 90 + host, named: "system.journal", in: machine)
            try
                "[sshd]\nenabled = true\n[dovecot]\nenabled = true\n[postfix-sasl]\nenabled = true\n[sshd-journal]\nenabled = true\nfilter = sshd\nbackend = systemd\nmaxretry = 3\n"
                .write(to: root.appendingPathComponent("etc/fail2ban/jail.local"), atomically: true, encoding: .utf8)
            roots.append(root)
        }
        return roots
    }

    /// A configuration that reads both hosts' files in one run, named by hand.
    static func reference(_ roots: [URL]) throws -> URL {
        let logs = roots.map { $0.appendingPathComponent("var/log").path }
        let config = try TestSupport.temporaryDirectory().appendingPathComponent("fail2ban")
        try FileManager.default.copyItem(at: roots[0].appendingPathComponent("etc/fail2ban"), to: config)
        func paths(_ name: String) -> String { logs.map { "\($0)/\(name)" }.joined(separator: "\n  ") }
        let journals = logs.map { "\($0)/journal/5c1d6bd4a1a24b3f8f5de3d5b2d3c0a1/system.journal" }.joined(separator: " ")
        try """
        [sshd]
        enabled = true
        logpath = \(paths("auth.log"))
        [dovecot]
        enabled = true
        logpath = \(paths("mail.log"))
        [postfix-sasl]
        enabled = true
        logpath = \(paths("mail.log"))
        [sshd-journal]
        enabled = true
        filter = sshd
        backend = systemd[journalfiles="\(journals)"]
        maxretry = 3

        """.write(to: config.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        return config
    }

    @Test(arguments: [1, 3, 7])
    func hostsMappedFromTheirRootsReduceAsOneRun(_ partitions: Int) throws {
        let roots = try Self.hosts()
        let ledgers = try TestSupport.temporaryDirectory()
        for (index, root) in roots.enumerated() {
            let map = try TestSupport.failscan(
                ["map", "--root", root.path, "--shard", "web\(index + 1)", "--partitions", String(partitions), "--out", ledgers.path])
            #expect(map.status == 0, "\(map.stderr)")
        }
        var written = try FileManager.default.contentsOfDirectory(atPath: ledgers.path).map { "\(ledgers.path)/\($0)" }.sorted()
        #expect(written.count == 2 * partitions)
        var generator = SeededGenerator(seed: UInt64(partitions) + 25)
        written.shuffle(using: &generator)
        let config = try Self.reference(roots)
        let whole = try TestSupport.failscan(["jails", "--config", config.path, "--format", "json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let reduced = try TestSupport.failscan(
            ["reduce", "--config", roots[0].appendingPathComponent("etc/fail2ban").path, "--format", "json"] + written)
        #expect(reduced.status == 0, "\(reduced.stderr)")
        let rows = whole.stdout.split(separator: "\n")
        #expect(rows.count > 10 && rows.contains { $0.contains("\"jail\":\"sshd-journal\"") }, "\(whole.stdout)")
        #expect(reduced.stdout == whole.stdout)
        // The ledgers name each host's files by its own paths; the reduce by shard and path.
        let database = ledgers.appendingPathComponent("r.sqlite").path
        let sqlite = try TestSupport.failscan(
            ["reduce", "--config", roots[1].appendingPathComponent("etc/fail2ban").path, "--format", "sqlite", "--output", database]
                + written)
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        let files = try TestSupport.run("/usr/bin/sqlite3", [database, "SELECT path FROM files ORDER BY path"]).stdout
        for expected in [
            "web1:/var/log/auth.log", "web2:/var/log/auth.log", "web2:/var/log/mail.log.2.gz",
            "web1:/var/log/journal/5c1d6bd4a1a24b3f8f5de3d5b2d3c0a1/system.journal",
        ] {
            #expect(files.contains(expected + "\n"), "\(expected): \(files)")
        }
        #expect(!files.contains(roots[0].path), "\(files)")
    }

    /// Files under the root named on the command line go to the jails whose logpath names
    /// their path in the root's system; a root that holds none of the jails' files, and a
    /// map without files nor root, are refused with the reason.
    @Test func filesUnderTheRootAndRefusals() throws {
        let root = try RootTests.restoredTree()
        let out = try TestSupport.temporaryDirectory()
        let named = try TestSupport.failscan(
            [
                "map", "--root", root.path, "--shard", "web1", "--out", out.path + "/named", "--jail", "sshd",
                root.path + "/var/log/auth.log",
            ])
        #expect(named.status == 0, "\(named.stderr)")
        let whole = try TestSupport.failscan([
            "map", "--root", root.path, "--shard", "web1", "--out", out.path + "/whole", "--jail", "sshd",
        ])
        #expect(whole.status == 0, "\(whole.stderr)")
        let one = try TestSupport.failscan(
            ["reduce", "--config", root.path + "/etc/fail2ban", "--format", "json"] + named.stdout.split(separator: "\n").map(String.init))
        let other = try TestSupport.failscan(
            ["reduce", "--config", root.path + "/etc/fail2ban", "--format", "json"] + whole.stdout.split(separator: "\n").map(String.init))
        #expect(one.status == 0 && !one.stdout.isEmpty && one.stdout == other.stdout, "\(one.stderr)\(other.stderr)")
        // Dangling links among the logs (a restored image's links to /run, to a file not
        // restored) are skipped: the same ledgers' failures, no warning.
        let log = root.appendingPathComponent("var/log")
        try FileManager.default.createSymbolicLink(atPath: log.path + "/auth.log.1", withDestinationPath: "/var/log/failscan-not-restored")
        try FileManager.default.createSymbolicLink(atPath: log.path + "/auth.log.2.gz", withDestinationPath: "../../gone")
        let dangling = try TestSupport.failscan([
            "map", "--root", root.path, "--shard", "web1", "--out", out.path + "/dangling", "--jail", "sshd",
        ])
        #expect(dangling.status == 0 && dangling.stderr.isEmpty, "\(dangling.stderr)")
        let danglingReduced = try TestSupport.failscan(
            ["reduce", "--config", root.path + "/etc/fail2ban", "--format", "json"]
                + dangling.stdout.split(separator: "\n").map(String.init))
        #expect(danglingReduced.stdout == other.stdout)
        let empty = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root.path + "/etc/fail2ban", toPath: empty.path + "/etc/fail2ban")
        let nothing = try TestSupport.failscan(["map", "--root", empty.path, "--out", out.path + "/none"])
        #expect(
            nothing.status != 0 && nothing.stderr.contains("no jail's logpath or journal finds a file under \(empty.path)"),
            "\(nothing.stderr)")
        let bare = try TestSupport.failscan(["map", "--out", out.path + "/bare"])
        #expect(bare.status == 64 && bare.stderr.contains("--root DIR"), "\(bare.stderr)")
    }

    /// The Dask driver maps each host where its logs are: on the worker of that host (a
    /// worker resource per host, each worker seeing its own system as /), from Python and
    /// from the command line against `dask worker --resources` processes, and restored
    /// copies with `--root` on any worker: the same output as one jails run
    /// (Drivers/dask/tests/check_hosts.py).
    @Test func daskMapsEachHostOnItsWorker() throws {
        let roots = try Self.hosts()
        let script = TestSupport.packageRoot.appendingPathComponent("Drivers/dask/tests/check_hosts.py").path
        let run = try TestSupport.run(
            "/usr/bin/env", ["python3", script, TestSupport.failscanBinary, try Self.reference(roots).path] + roots.map(\.path))
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
        for check in [
            "hosts: each host mapped on its own worker", "roots: restored copies", "a host without a worker: refused",
            "python3 -m failscan_dask --host: dask worker --resources per host", "--ssh: each host's worker offers",
        ] {
            #expect(run.stdout.contains(check), "\(check): \(run.stdout)")
        }
    }
}
