import Foundation
import TestSupport
import Testing

/// Forged or corrupted ledgers (issue 22): `reduce` checks every number against the
/// format's ranges (docs/LEDGER.md) and refuses the ledger with its path and line, instead
/// of trapping, allocating gigabytes, dropping groups with exit 0 or deciding an id twice;
/// what a ledger says reaches the terminal escaped. Each forgery edits a real map's
/// ledgers (zstd and Python's json, as an attacker with a shard's credentials would).
@Suite struct ForgedLedgerTests {
    /// A configuration with an sshd jail over a log of four banned addresses, mapped into
    /// `partitions` ledgers.
    func mapped(partitions: Int = 1) throws -> (dir: String, ledgers: [String]) {
        let dir = try TestSupport.temporaryDirectory().path
        var lines: [String] = []
        for i in 1...4 {
            for k in 0..<6 {
                lines.append("Nov 25 10:0\(i):0\(k) host sshd[\(100 + i)]: Failed password for user\(k) from 192.0.2.\(i) port 22 ssh2")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/auth.log", atomically: true, encoding: .utf8)
        try "[sshd]\nenabled = true\nfilter = /etc/fail2ban/filter.d/sshd.conf\nlogpath = \(dir)/auth.log\nmaxretry = 5\n"
            .write(toFile: dir + "/jail.local", atomically: true, encoding: .utf8)
        let map = try TestSupport.failscan([
            "map", "--config", dir, "--now", "1795600000", "--partitions", String(partitions), "--shard", "h1", "--out", dir + "/l",
            dir + "/auth.log",
        ])
        #expect(map.status == 0, "\(map.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/l").sorted().map { dir + "/l/" + $0 }
        return (dir, names)
    }

    /// Rewrites `ledger` with `edit`, a Python body over `header` (a dict) and `groups` (a
    /// list of dicts).
    func forge(_ ledger: String, _ edit: String) throws {
        let script = """
            import json, subprocess, sys
            path = sys.argv[1]
            lines = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout.decode().splitlines()
            header = json.loads(lines[0])
            groups = [json.loads(l) for l in lines[1:] if l]
            \(edit.split(separator: "\n").joined(separator: "\n"))
            text = "\\n".join([json.dumps(header, sort_keys=True)] + [json.dumps(g, sort_keys=True) for g in groups]) + "\\n"
            subprocess.run(["zstd", "-qf", "-o", path], input=text.encode(), check=True)
            """
        let run = try TestSupport.run("/usr/bin/python3", ["-c", script, ledger])
        #expect(run.status == 0, "\(run.stderr)")
    }

    func reduce(_ dir: String, _ ledgers: [String], _ extra: [String] = []) throws -> TestSupport.Output {
        try TestSupport.failscan(["reduce", "--config", dir] + extra + ledgers)
    }

    @Test(arguments: [
        ("groups[0]['t'][0] = 9223372036854775000", "line 2", "time out of range"),
        ("groups[0]['t'][0] = -1000000000000000", "line 2", "time out of range"),
        ("groups[0]['t'] = [9000000000000000000] * len(groups[0]['t'])", "line 2", "time out of range"),
        ("groups[0]['t'][0] = 978000000000000", "line 2", "time out of range"),
        ("groups[0]['l'] = [9000000000000000000] * len(groups[0]['l'])", "line 2", "line number out of range"),
        ("groups[0]['r0'] = -1", "line 2", "failregex -1"),
        ("groups[0]['r0'] = 10 ** 12", "line 2", "failregex 1000000000000"),
        ("groups[0]['r'] = [0] * (len(groups[0]['t']) - 1) + [99]", "line 2", "failregex 99"),
        ("groups[0]['l'] = groups[0]['l'][:-1]", "line 2", "lists of different lengths"),
        ("groups[0]['u'] = ['x']", "line 2", "lists of different lengths"),
        ("groups[0]['t'] = []; groups[0]['l'] = []", "line 2", "without failures"),
        ("groups[0]['i'] = '010.1.2.3'", "line 2", "not of kind"),
        ("groups[0]['i'] = '192.0.2.0/24'", "line 2", "not of kind"),
        ("groups[0]['i'] = '::ffff:192.0.2.1'", "line 2", "not written as failscan writes it"),
        ("groups[0]['j'] = 7", "line 2", "jail 7"),
        ("groups[0]['f'] = -1", "line 2", "file -1"),
        ("header['counters'][0]['candidates'] = 9223372036854775000", "line 1", "counter"),
        ("header['files'][0]['bytes'] = 9223372036854775000", "line 1", "bytes or lines"),
        ("header['files'][0]['lines'] = -5", "line 1", "bytes or lines"),
        ("header['files'][0]['mtime'] = 9223372036854775000", "line 1", "mtime"),
        ("header['partitions'] = 0", "line 1", "partitions 0"),
        ("header['partitions'] = -1", "line 1", "partitions -1"),
        ("header['partition'] = 5", "line 1", "partition 5 of 1"),
        ("header['shard'] = 'h1\\nfailscan: error: forged'", "line 1", "not a shard name"),
    ])
    func aForgedNumberIsRefusedWithTheLedgerAndLine(_ edit: String, _ line: String, _ reason: String) throws {
        try #require(
            FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/sshd.conf"), Comment(rawValue: TestSupport.fail2banHint))
        let (dir, ledgers) = try mapped()
        #expect(try reduce(dir, ledgers).status == 0, "the unforged ledger reduces")
        try forge(ledgers[0], edit)
        for extra in [
            [], ["--stats"], ["--format", "html", "--output", dir + "/r.html"], ["--format", "sqlite", "--output", dir + "/r.db"],
        ] {
            let run = try reduce(dir, ledgers, extra)
            #expect(run.status == 3, "\(edit) \(extra): exit \(run.status), \(run.stderr)")
            #expect(
                run.stderr.contains(ledgers[0]) && run.stderr.contains(line) && run.stderr.contains(reason),
                "\(edit): \(run.stderr)")
            #expect(
                run.stderr.split(separator: "\n").filter { $0.hasPrefix("failscan: error:") }.count == 1, "one error line: \(run.stderr)")
        }
    }

    /// An id moved into a partition its hash does not choose would be decided twice (two
    /// records, two ban ends): refused.
    @Test func anIdInAnotherPartitionIsRefused() throws {
        let (dir, ledgers) = try mapped(partitions: 3)
        #expect(ledgers.count == 3)
        let good = try reduce(dir, ledgers)
        #expect(good.status == 0)
        // Copy a group of one partition into another that holds other ids.
        let source = try #require(
            try ledgers.first { path in
                try TestSupport.run("/bin/sh", ["-c", "zstd -dcq \"$0\" | wc -l", path]).stdout.trimmingCharacters(
                    in: .whitespacesAndNewlines) != "1"
            })
        let target = ledgers.first { $0 != source }!
        let group = try TestSupport.run("/bin/sh", ["-c", "zstd -dcq \"$0\" | sed -n 2p", source]).stdout.trimmingCharacters(in: .newlines)
        try forge(target, "groups.append(json.loads(\(String(reflecting: group))))")
        let run = try reduce(dir, ledgers)
        #expect(run.status == 3 && run.stderr.contains(target) && run.stderr.contains("belongs to partition"), "\(run.stderr)")
    }

    /// A small ledger that inflates to hundreds of MB is refused before it is held.
    @Test func aLedgerThatInflatesBeyondItsLimitIsRefused() throws {
        let (dir, ledgers) = try mapped()
        let bomb = """
            header=$(zstd -dcq "$0" | head -n 1); group=$(zstd -dcq "$0" | sed -n 2p)
            { printf '%s\\n' "$header"; yes "$group" | head -c 200000000; } | zstd -q -19 -f -o "$0.bomb" && mv "$0.bomb" "$0"
            """
        let made = try TestSupport.run("/bin/sh", ["-c", bomb, ledgers[0]])
        #expect(made.status == 0, "\(made.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: ledgers[0])[.size] as? Int ?? 0
        #expect(size < 200_000, "the forged ledger is small (\(size) bytes)")
        let run = try TestSupport.run(
            "/usr/bin/env", ["time", "-f", "%M", TestSupport.failscanBinary, "reduce", "--config", dir] + ledgers)
        #expect(run.status == 3 && run.stderr.contains("inflates to more than"), "\(run.stderr)")
        let peakKB = Int(run.stderr.split(separator: "\n").last ?? "") ?? 0
        #expect(peakKB > 0 && peakKB < 400_000, "peak memory \(peakKB) KB")
    }

    /// What a ledger says (a file's warnings, an id) reaches standard error escaped: a
    /// newline cannot forge a `failscan: error:` line, and no escape sequence gets through.
    @Test func controlBytesFromALedgerAreEscaped() throws {
        let (dir, ledgers) = try mapped()
        try forge(ledgers[0], "header['files'][0]['warnings'] = ['cut\\nfailscan: error: forged \\x1b[31mred\\x1b[0m \\x9b2J']")
        let warned = try reduce(dir, ledgers)
        #expect(warned.status == 1, "a file's warning makes the reduce incomplete: \(warned.stderr)")
        #expect(!warned.stderr.contains("\u{1b}") && !warned.stderr.contains("\u{9b}"), "\(warned.stderr.debugDescription)")
        #expect(!warned.stderr.split(separator: "\n").contains { $0.hasPrefix("failscan: error: forged") }, "\(warned.stderr)")
        #expect(warned.stderr.contains("cut\\nfailscan: error: forged \\x1b[31mred"))
        try forge(ledgers[0], "groups[0]['k'] = 'o'; groups[0]['i'] = 'x\\nfailscan: error: forged \\x1b]0;title\\x07'")
        // An <F-ID> value is an id of its own kind: reported, never banned, escaped.
        let other = try reduce(dir, ledgers)
        #expect(other.stderr.contains("are not addresses") && !other.stderr.contains("\u{1b}"), "\(other.stderr.debugDescription)")
        #expect(!other.stderr.split(separator: "\n").contains { $0.hasPrefix("failscan: error: forged") }, "\(other.stderr)")
    }
}
