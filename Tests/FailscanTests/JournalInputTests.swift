import Foundation
import TestSupport
import Testing

/// Issue 24: journals as a sysadmin meets them: compressed copies, a copy cut short, a
/// file that is no journal, a directory of several; each said by name, the rest read.
@Suite struct JournalInputTests {
    /// A copy compressed with zstd and xz reads as the journal itself (its inflated copy is
    /// removed when failscan exits), named as given.
    @Test func compressedCopiesReadAsTheJournal() throws {
        let dir = try TestSupport.temporaryDirectory()
        let plain = try TestSupport.journal(entries: 1500, seed: 61, in: dir)
        let copies = try TestSupport.temporaryDirectory()
        let zst = copies.appendingPathComponent("system@1.journal.zst").path
        let xz = copies.appendingPathComponent("system@1.journal~.xz").path
        #expect(try TestSupport.run("/bin/sh", ["-c", "zstd -q -c '\(plain)' > '\(zst)' && xz -c '\(plain)' > '\(xz)'"]).status == 0)
        let tmp = try TestSupport.temporaryDirectory()
        let environment = ["TMPDIR": tmp.path]
        let reference = try TestSupport.failscan(["regex", "-o", "<time> <ip> <msg>", "systemd-journal[journalfiles=\(plain)]", "sshd"])
        #expect(reference.status == 0 && reference.stdout.split(separator: "\n").count > 100, "\(reference.stderr)")
        for copy in [zst, xz] {
            let ours = try TestSupport.failscan(
                ["regex", "-o", "<time> <ip> <msg>", "systemd-journal[journalfiles=\(copy)]", "sshd"], environment: environment)
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout == reference.stdout)
        }
        // A directory of copies: read (the same entries in both are one entry, as sd-journal
        // reads duplicates), named as given; nothing left in TMPDIR.
        let scanned = try TestSupport.failscan(
            ["scan", "--filter", "sshd", "--journal", copies.path, "--format", "json"], environment: environment)
        let plainScan = try TestSupport.failscan(["scan", "--filter", "sshd", "--journal", plain, "--format", "json"])
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(scanned.stdout == plainScan.stdout && !plainScan.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty, "inflated copies are removed")
    }

    /// A copy cut short beside good files: sd-journal's refusal named with the file, the
    /// others read and their bans written, exit 1; a file that is no journal, refused by
    /// name; a directory without journal files, exit 3.
    @Test func aBrokenJournalIsNamedAndTheRestRead() throws {
        let dir = try TestSupport.temporaryDirectory()
        let good = try TestSupport.journal(entries: 1500, seed: 62, in: dir)
        let cut = dir.appendingPathComponent("system@cut.journal").path
        let data = try Data(
            contentsOf: URL(fileURLWithPath: try TestSupport.journal(entries: 800, seed: 63, start: 1_794_000_000, in: dir)))
        try FileManager.default.removeItem(atPath: dir.appendingPathComponent("j63.journal").path)
        try data.prefix(data.count / 4).write(to: URL(fileURLWithPath: cut))
        let text = dir.appendingPathComponent("auth.journal").path
        try "Oct 26 07:33:20 srv1 sshd[1]: Failed password for root from 203.0.113.1 port 22 ssh2\n".write(
            toFile: text, atomically: true, encoding: .utf8)
        let alone = try TestSupport.failscan(["scan", "--filter", "sshd", "--journal", good])
        let ours = try TestSupport.failscan(["scan", "--filter", "sshd", "--journal", dir.path])
        #expect(ours.status == 1, "\(ours.stderr)")
        #expect(ours.stderr.contains(cut), "\(ours.stderr)")
        #expect(ours.stderr.contains(text), "\(ours.stderr)")
        #expect(ours.stdout == alone.stdout && !alone.stdout.isEmpty, "the good file's bans")
        let empty = try TestSupport.temporaryDirectory()
        let none = try TestSupport.failscan(["scan", "--filter", "sshd", "--journal", empty.path])
        #expect(none.status == 3 && none.stderr.contains(empty.path), "\(none.stderr)")
    }

    /// `jails`: a jail with backend = systemd[journalpath=DIR] reads the directory; the
    /// same jail with backend auto reads it with --backend; a journal jail in `map` is
    /// said and left to `jails`.
    @Test func jailsReadTheJournalOfTheirBackend() throws {
        let dir = try TestSupport.temporaryDirectory()
        _ = try TestSupport.journal(entries: 2000, seed: 64, in: dir)
        let root = try TestSupport.temporaryDirectory()
        let fm = FileManager.default
        for name in ["jail.conf", "paths-common.conf", "paths-debian.conf", "filter.d", "action.d"] {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/\(name)")
        }
        try "[sshd]\nenabled = true\nbackend = systemd[journalpath=\(dir.path)]\nmaxretry = 3\n".write(
            to: root.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        let viaConfig = try TestSupport.failscan(["jails", "--config", root.path, "--format", "json"])
        #expect(viaConfig.status == 0, "\(viaConfig.stderr)")
        let scan = try TestSupport.failscan(["scan", "--filter", "sshd", "--maxretry", "3", "--journal", dir.path, "--format", "json"])
        #expect(viaConfig.stdout.split(separator: "\n").count > 10)
        #expect(viaConfig.stdout == scan.stdout)
        // backend auto (logpath /var/log/auth.log here) read as the journal with --backend.
        try "[sshd]\nenabled = true\nmaxretry = 3\nlogpath = \(root.path)/nothing.log\n".write(
            to: root.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
        let auto = try TestSupport.failscan(["jails", "--config", root.path, "--format", "json"])
        #expect(auto.status == 3, "\(auto.stderr)")
        #expect(auto.stderr.contains("no log file matches"), "\(auto.stderr)")
        let forced = try TestSupport.failscan([
            "jails", "--config", root.path, "--format", "json", "--backend", "systemd[journalfiles=\"\(dir.path)/*.journal\"]",
        ])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout == viaConfig.stdout)
    }

    /// A fleet's journals through map and reduce: each host's journal a shard of its own,
    /// the reduce's bans those of one `jails` over every journal; a reduce under another
    /// journalmatch is refused (the configuration hash covers it).
    @Test func mapAndReduceReadJournals() throws {
        let fleet = try TestSupport.temporaryDirectory()
        let fm = FileManager.default
        for host in ["web1", "web2"] { try fm.createDirectory(at: fleet.appendingPathComponent(host), withIntermediateDirectories: true) }
        _ = try TestSupport.journal(entries: 1500, seed: 65, named: "system@1.journal", in: fleet.appendingPathComponent("web1"))
        _ = try TestSupport.journal(
            entries: 1500, seed: 66, start: 1_793_002_400, named: "system.journal", in: fleet.appendingPathComponent("web1"))
        _ = try TestSupport.journal(
            entries: 2000, seed: 67, start: 1_793_010_000, named: "system.journal", in: fleet.appendingPathComponent("web2"))
        let root = try TestSupport.temporaryDirectory()
        for name in ["jail.conf", "paths-common.conf", "paths-debian.conf", "filter.d", "action.d"] {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(name).path, withDestinationPath: "/etc/fail2ban/\(name)")
        }
        let local = root.appendingPathComponent("jail.local")
        try "[sshd]\nenabled = true\nbackend = systemd[journalfiles=\"\(fleet.path)/*/*.journal\"]\nmaxretry = 4\nfindtime = 1h\n".write(
            to: local, atomically: true, encoding: .utf8)
        let whole = try TestSupport.failscan(["jails", "--config", root.path, "--format", "json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stdout.split(separator: "\n").count > 10)
        let ledgers = try TestSupport.temporaryDirectory()
        for host in ["web1", "web2"] {
            let files = try fm.contentsOfDirectory(atPath: fleet.appendingPathComponent(host).path).map { "\(fleet.path)/\(host)/\($0)" }
            let map = try TestSupport.failscan(
                ["map", "--config", root.path, "--partitions", "2", "--shard", host, "--out", ledgers.path] + files)
            #expect(map.status == 0, "\(map.stderr)")
            #expect(!map.stderr.contains("not read"), "\(map.stderr)")
        }
        let written = try fm.contentsOfDirectory(atPath: ledgers.path).map { "\(ledgers.path)/\($0)" }.sorted()
        #expect(written.count == 4)
        let reduced = try TestSupport.failscan(["reduce", "--config", root.path, "--format", "json"] + written)
        #expect(reduced.status == 0, "\(reduced.stderr)")
        #expect(reduced.stdout == whole.stdout)
        try
            "[sshd]\nenabled = true\nbackend = systemd[journalfiles=\"\(fleet.path)/*/*.journal\"]\nfilter = sshd[journalmatch=_COMM=sshd]\nmaxretry = 4\n"
            .write(to: local, atomically: true, encoding: .utf8)
        let other = try TestSupport.failscan(["reduce", "--config", root.path, "--format", "json"] + written)
        #expect(other.status == 2, "\(other.stderr)")
        #expect(other.stderr.contains("another configuration"), "\(other.stderr)")
    }
}
