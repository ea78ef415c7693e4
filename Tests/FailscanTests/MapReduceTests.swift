import Foundation
import TestSupport
import Testing

/// `failscan map` over shards and `failscan reduce` of their ledgers give what one
/// `failscan jails` over all the files gives, byte for byte, in every output format (the
/// sqlite databases as sorted dumps, the HTML report without its clock), for 1, 3 and 7
/// partitions and any order of shards and ledgers (issue 13).
@Suite(.serialized) struct MapReduceTests {
    /// A fleet of four hosts (Corpus/generate.py, seeded; each host's own name in its
    /// lines, as syslog writes it), each with auth.log and a rotated mail.log set, plus
    /// attackers that spread their failures over two hosts within findtime: banned only
    /// when the shards' failures are merged.
    static let fleet: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-fleet-\(getpid())").path
        let script = """
            import gzip, os, random, subprocess, sys
            root, generator = sys.argv[1], sys.argv[2]
            for h in range(4):
                d = os.path.join(root, "h%d" % h)
                subprocess.run([sys.executable, generator, "corpus", "--size", "1M", "--files", "3", "--seed", str(h + 11), d],
                               check=True, stdout=subprocess.DEVNULL)
                for name in ("auth.log", "mail.log", "mail.log.1"):
                    p = os.path.join(d, name)
                    text = open(p, "rb").read().replace(b" mail ", b" mail%d " % h)
                    if name == "auth.log":
                        rng = random.Random(h)
                        for n in range(20):
                            for k in range(3):
                                s = 3600 + n * 900 + k * 60 + (h % 2) * 30
                                text += b"Dec 20 %02d:%02d:%02d mail%d sshd[%d]: Failed password for root from 203.0.113.%d port 22 ssh2\\n" % (
                                    s // 3600, s // 60 % 60, s % 60, h, 9000 + n * 10 + k, n + 1 if h < 2 else n + 101)
                    open(p, "wb").write(text)
                gz = os.path.join(d, "mail.log.2.gz")
                data = gzip.decompress(open(gz, "rb").read()).replace(b" mail ", b" mail%d " % h)
                open(gz, "wb").write(gzip.compress(data, mtime=0))
            """
        let made = try? TestSupport.run("/usr/bin/python3", ["-c", script, dir, TestSupport.corpus("generate.py")])
        precondition(made?.status == 0, "the fleet could not be generated: \(made?.stderr ?? "")")
        let jail = """
            [DEFAULT]
            enabled = true
            maxretry = 5
            findtime = 10m
            bantime = 1h

            [sshd]
            filter = /etc/fail2ban/filter.d/sshd.conf
            logpath = \(dir)/h*/auth.log

            [qpopperauth]
            filter = \(TestSupport.corpus("filters/qpopperauth.conf"))
            logpath = \(dir)/h*/auth.log

            [dovecot]
            filter = /etc/fail2ban/filter.d/dovecot.conf
            logpath = \(dir)/h*/mail.log

            [seed-dovecot]
            filter = \(TestSupport.corpus("filters/dovecot.conf"))
            logpath = \(dir)/h*/mail.log
            """
        try? jail.write(toFile: dir + "/jail.local", atomically: true, encoding: .utf8)
        return dir
    }()

    static let hosts = ["h0", "h1", "h2", "h3"]

    /// The shard's files (what a driver hands one map).
    static func files(_ host: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(fleet)/\(host)").sorted().map { "\(fleet)/\(host)/\($0)" }
    }

    /// Maps every host (in `order`) into a fresh directory; returns the ledgers.
    static func map(partitions: Int, order: [String]) throws -> [String] {
        let out = try TestSupport.temporaryDirectory().path
        var ledgers: [String] = []
        for host in order {
            let run = try TestSupport.failscan(
                ["map", "--config", fleet, "--partitions", String(partitions), "--out", out, "--shard", host] + files(host))
            #expect(run.status == 0, "\(run.stderr)")
            ledgers += run.stdout.split(separator: "\n").map(String.init)
        }
        #expect(ledgers.count == partitions * order.count)
        return ledgers
    }

    /// An output as compared: a database as its sorted dump, the HTML report without the
    /// lines that carry the clock and the command.
    static func comparable(_ format: String, stdout: String, output: String) throws -> String {
        switch format {
        case "sqlite", "fail2ban-db":
            let dump = try TestSupport.run("/usr/bin/sqlite3", [output, ".dump"])
            #expect(dump.status == 0, "\(dump.stderr)")
            return dump.stdout.split(separator: "\n").sorted().joined(separator: "\n")
        case "html":
            return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasPrefix("<p>Written ") && !$0.hasPrefix("<tr><th>Scan</th>") && !$0.contains("<p>Command: ") }
                .joined(separator: "\n")
        default:
            return stdout
        }
    }

    static let formats = [
        "list", "json", "csv", "iptables", "ip6tables", "ipset", "nft", "firewalld", "crowdsec", "crowdsec-json", "fail2ban-db", "sqlite",
        "html",
    ]

    @Test(arguments: [1, 3, 7])
    func shardsAndReduceEqualOneRun(_ partitions: Int) throws {
        var generator = SeededGenerator(seed: UInt64(partitions))
        let ledgers = try Self.map(partitions: partitions, order: Self.hosts.shuffled(using: &generator)).shuffled(using: &generator)
        let dir = try TestSupport.temporaryDirectory().path
        for format in Self.formats {
            // --active-at: a fail2ban database keeps the logs' ban times instead of "now".
            let common = ["--config", Self.fleet] + (format == "fail2ban-db" ? ["--active-at", "2025-12-20T03:00:00"] : [])
            let one = dir + "/one." + format, two = dir + "/two." + format
            let single = try TestSupport.failscan(["jails", "--format", format, "--output", one] + common)
            let reduced = try TestSupport.failscan(["reduce", "--format", format, "--output", two] + common + ledgers)
            #expect(single.status == 0 && reduced.status == 0, "\(format): \(single.stderr) \(reduced.stderr)")
            let expected = try Self.comparable(format, stdout: (try? String(contentsOfFile: one, encoding: .utf8)) ?? "", output: one)
            let got = try Self.comparable(format, stdout: (try? String(contentsOfFile: two, encoding: .utf8)) ?? "", output: two)
            #expect(!expected.isEmpty && got == expected, "\(format) with \(partitions) partition(s)")
        }
        // The attackers that spread over two hosts are banned, so the shards were merged.
        let list = try String(contentsOfFile: dir + "/one.list", encoding: .utf8)
        #expect(list.contains("203.0.113.1\n") && list.contains("203.0.113.101\n"))
        let single = try TestSupport.failscan(
            ["map", "--config", Self.fleet, "--out", dir + "/h0-alone", "--shard", "h0"] + Self.files("h0"))
        let alone = try TestSupport.failscan(
            ["reduce", "--config", Self.fleet, "--format", "list"] + single.stdout.split(separator: "\n").map(String.init))
        #expect(!alone.stdout.contains("203.0.113.1\n"), "one host alone does not ban a spread attacker")
    }

    /// Ledgers that do not belong together are refused, with the reason.
    /// Issue 23: the order of a ledger's groups across jails followed the threads (the
    /// session's starting binary wrote 3 different ledgers in 30 maps of the Corpus's mail
    /// logs under four jails); now the same shard gives the same bytes on any thread count.
    @Test func aShardGivesTheSameLedgersOnEveryRun() throws {
        let config = try TestSupport.temporaryDirectory().path
        let logs = ["mail.log.2.gz", "mail.log.1", "mail.log"].map { TestSupport.corpus("logs/" + $0) }
        try """
        [DEFAULT]
        enabled = true
        [dovecot]
        filter = /etc/fail2ban/filter.d/dovecot.conf
        logpath = \(TestSupport.corpus("logs/mail.log"))
        [seed-dovecot]
        filter = \(TestSupport.corpus("filters/dovecot.conf"))
        logpath = \(TestSupport.corpus("logs/mail.log"))
        [qpoppermail]
        filter = \(TestSupport.corpus("filters/qpoppermail.conf"))
        logpath = \(TestSupport.corpus("logs/mail.log"))
        """.write(toFile: config + "/jail.local", atomically: true, encoding: .utf8)
        var seen = Set<[UInt8]>()
        for run in 0..<12 {
            let out = try TestSupport.temporaryDirectory().path
            let map = try TestSupport.failscan(
                [
                    "map", "--config", config, "--now", "1795600000", "--shard", "s", "--partitions", "3", "--out", out,
                    "--threads", String(1 + run % 3),
                ] + logs)
            #expect(map.status == 0, "\(map.stderr)")
            var bytes: [UInt8] = []
            for ledger in map.stdout.split(separator: "\n") { bytes += try Data(contentsOf: URL(fileURLWithPath: String(ledger))) }
            seen.insert(bytes)
        }
        #expect(seen.count == 1, "\(seen.count) different sets of ledgers")
    }

    @Test func mismatchedLedgersAreRefused() throws {
        let ledgers = try Self.map(partitions: 3, order: ["h0", "h1"])
        // A missing partition would lose addresses.
        let missing = try TestSupport.failscan(["reduce", "--config", Self.fleet] + ledgers.dropLast())
        #expect(missing.status == 2 && missing.stderr.contains("is missing"), "\(missing.stderr)")
        // Another configuration: a changed filter.
        let other = try TestSupport.temporaryDirectory().path
        let changed = try String(contentsOfFile: Self.fleet + "/jail.local", encoding: .utf8)
            .replacingOccurrences(
                of: "filter = /etc/fail2ban/filter.d/dovecot.conf", with: "filter = /etc/fail2ban/filter.d/dovecot.conf[mode=aggressive]")
        try changed.write(toFile: other + "/jail.local", atomically: true, encoding: .utf8)
        let refused = try TestSupport.failscan(["reduce", "--config", other] + ledgers)
        #expect(refused.status == 2 && refused.stderr.contains("mapped under another configuration"), "\(refused.stderr)")
        // maxretry is the reduce's to choose.
        let stricter = try String(contentsOfFile: Self.fleet + "/jail.local", encoding: .utf8)
            .replacingOccurrences(of: "maxretry = 5", with: "maxretry = 2")
        try stricter.write(toFile: other + "/jail.local", atomically: true, encoding: .utf8)
        let allowed = try TestSupport.failscan(["reduce", "--config", other] + ledgers)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        // Another failscan version, and a file that is no ledger.
        let dir = try TestSupport.temporaryDirectory().path
        let edited = dir + "/old.ledger.zst"
        let rewrite = try TestSupport.run(
            "/bin/sh",
            ["-c", "zstd -dc \"$0\" | sed '1s/\"failscan\":\"[^\"]*\"/\"failscan\":\"0.0.1\"/' | zstd -q -o \"$1\"", ledgers[0], edited])
        #expect(rewrite.status == 0, "\(rewrite.stderr)")
        let version = try TestSupport.failscan(["reduce", "--config", Self.fleet, edited] + ledgers.dropFirst())
        #expect(version.status == 2 && version.stderr.contains("written by failscan 0.0.1"), "\(version.stderr)")
        // A shard of files no jail names: refused, not an empty ledger.
        let unnamed = try TestSupport.failscan([
            "map", "--config", Self.fleet, "--out", dir + "/none", "--shard", "x", Self.fleet + "/jail.local",
        ])
        #expect(unnamed.status == 2 && unnamed.stderr.contains("no jail's logpath names any of the files"), "\(unnamed.stderr)")
        let junk = try TestSupport.failscan(["reduce", "--config", Self.fleet, Self.fleet + "/jail.local"])
        #expect(junk.status == 3 && junk.stderr.contains("not a failscan ledger"), "\(junk.stderr)")
    }

    /// The Dask driver (Drivers/dask): a LocalCluster(processes=True) of two workers maps the
    /// hosts and reduces their ledgers, from disk (also through `python3 -m failscan_dask`)
    /// and from a local S3 server (moto's server
    /// mode) with the files gone from disk, downloaded or streamed through FIFOs; the same
    /// JSON and sqlite rows as one jails run.
    @Test func daskDriverGivesTheSameAsOneRun() throws {
        let script = TestSupport.packageRoot.appendingPathComponent("Drivers/dask/tests/check_driver.py").path
        let run = try TestSupport.run("/usr/bin/env", ["python3", script, TestSupport.failscanBinary, Self.fleet])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
        #expect(
            run.stdout.contains("local: same JSON") && run.stdout.contains("packed: 4 hosts in 2 maps")
                && run.stdout.contains("python3 -m failscan_dask: 4 shards in one map") && run.stdout.contains("s3: same JSON")
                && run.stdout.contains("s3 streamed: objects through FIFOs"), "\(run.stdout)")
    }

    /// A fleet of 1,000 hosts with 20 rotated files each (20,000 files, given on the command
    /// line by a shell glob) maps and reduces with work that grows with the files, not with
    /// their square, and gives what one jails run gives (issue 22: 20,000 files took over a
    /// minute in each step, the paths compared with each other and the argument parser
    /// merging every file into its list; 110,000 never finished). Each step's CPU time (the
    /// child's user and system time, which a loaded machine or a sanitizer build scales alike
    /// on both fleets, unlike a wall-clock bound) is compared with the same step on a fleet of
    /// 100 hosts: linear work is about 10 times as much (less with start-up), square work 100.
    @Test func twentyThousandFilesMapAndReduceInLinearTime() throws {
        let root = try TestSupport.temporaryDirectory().path
        let made = try TestSupport.run(
            "/usr/bin/python3",
            [
                "-c",
                """
                import os, sys
                for fleet, hosts in (("big", 1000), ("small", 100)):
                    root = os.path.join(sys.argv[1], fleet)
                    for h in range(hosts):
                        d = "%s/fleet/h%d" % (root, h)
                        os.makedirs(d)
                        line = b"Nov 25 10:00:%02d h%d sshd[1]: Failed password for root from 192.0.%d.%d port 22 ssh2\\n"
                        for k in range(20):
                            name = d + ("/auth.log" if k == 0 else "/auth.log.%d" % k)
                            open(name, "wb").write(line % (k, h, h % 250, h // 250 + 1))
                    open(root + "/jail.local", "w").write("[sshd]\\nenabled = true\\nfilter = /etc/fail2ban/filter.d/sshd.conf\\n"
                        "logpath = %s/fleet/h*/auth.log\\nmaxretry = 5\\nfindtime = 1h\\n" % root)
                """,
                root,
            ])
        try #require(made.status == 0, "\(made.stderr)")
        /// Runs the four steps on one fleet; returns each step's CPU seconds and the reduce's
        /// and the jails run's output.
        func steps(_ fleet: String) throws -> (cpu: [String: Double], reduced: String, one: String) {
            var cpu: [String: Double] = [:]
            func timed(_ name: String, _ script: String) throws -> TestSupport.Output {
                // `times` prints the shell's and then its children's user and system time.
                let run = try TestSupport.run(
                    "/bin/bash", ["-c", script + "; status=$?; times >&2; exit $status", fleet, TestSupport.failscanBinary])
                #expect(run.status == 0, "\(fleet) \(name): \(run.stderr.prefix(500))")
                let children = run.stderr.split(separator: "\n").last.map { $0.split(separator: " ") } ?? []
                let seconds = children.compactMap { field -> Double? in
                    guard field.hasSuffix("s"), let m = field.firstIndex(of: "m"), let minutes = Double(field[..<m]),
                        let rest = Double(field[field.index(after: m)..<field.index(before: field.endIndex)])
                    else { return nil }
                    return minutes * 60 + rest
                }
                try #require(seconds.count == 2, "\(name): no times in \(run.stderr.suffix(200))")
                cpu[name, default: 0] += seconds[0] + seconds[1]
                return run
            }
            // Two shards (hosts h[0-4]* and h[5-9]*), two partitions.
            _ = try timed(
                "map", #""$1" map --config "$0" --now 1795600000 --partitions 2 --shard a --out "$0/l" "$0"/fleet/h[0-4]*/auth.log*"#)
            _ = try timed(
                "map", #""$1" map --config "$0" --now 1795600000 --partitions 2 --shard b --out "$0/l" "$0"/fleet/h[5-9]*/auth.log*"#)
            let reduced = try timed("reduce", #""$1" reduce --config "$0" --format json "$0"/l/*"#)
            let one = try timed("jails", #""$1" jails --config "$0" --now 1795600000 --format json"#)
            return (cpu, reduced.stdout, one.stdout)
        }
        let small = try steps(root + "/small")
        let big = try steps(root + "/big")
        #expect(big.reduced == big.one && big.one.contains(#""banned":true"#), "the reduce equals one jails run")
        #expect(TestSupport.jsonRows(big.one).count == 1000 && TestSupport.jsonRows(small.one).count == 100)
        for (name, seconds) in big.cpu {
            let ratio = seconds / max(small.cpu[name] ?? 0, 0.01)
            #expect(ratio < 25, "\(name): \(seconds) s of CPU on 20,000 files, \(ratio) times on 2,000 files")
        }
    }
}
