import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Outputs written as root (issue 22): a symbolic link at `--output` is followed only where
/// the kernel's `protected_symlinks` rule would follow it (whatever the host's setting), a
/// replaced file keeps its mode and owner, a new one gets the umask's mode; for text files,
/// reports and both database formats.
@Suite struct OutputFileSafetyTests {
    static let formats: [(format: String, name: String)] = [
        ("list", "bans.txt"), ("json", "bans.json"), ("html", "report.html"), ("fail2ban-db", "f2b.db"), ("sqlite", "report.db"),
    ]

    func scene() throws -> (dir: String, log: String) {
        let dir = try TestSupport.temporaryDirectory().path
        var lines: [String] = []
        for k in 0..<6 { lines.append("Nov 25 10:00:0\(k) host sshd[1]: Failed password for root from 192.0.2.7 port 22 ssh2") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/auth.log", atomically: true, encoding: .utf8)
        return (dir, dir + "/auth.log")
    }

    func scan(_ format: String, to output: String, _ log: String, umask: String = "022") throws -> TestSupport.Output {
        try TestSupport.run(
            "/bin/sh",
            [
                "-c", "umask \(umask); exec \"$0\" scan --filter sshd --now 1795600000 --format \"$1\" --output \"$2\" \"$3\"",
                TestSupport.failscanBinary, format, output, log,
            ])
    }

    func info(_ path: String) -> stat {
        var s = stat()
        _ = lstat(path, &s)
        return s
    }

    /// A victim file (mode 0600) and a link to it owned by uid 4242 in a directory others
    /// can write: sticky (like /tmp) or not.
    @Test(arguments: [true, false])
    func aLinkAnotherUserPlantedIsNotFollowed(sticky: Bool) throws {
        try #require(geteuid() == 0, "planting another user's link needs root (as CI runs)")
        let (dir, log) = try scene()
        let shared = dir + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, sticky ? 0o1777 : 0o777)
        for (format, name) in Self.formats {
            let victim = dir + "/victim-\(name)"
            try "secret\n".write(toFile: victim, atomically: true, encoding: .utf8)
            chmod(victim, 0o600)
            let link = shared + "/" + name
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
            lchown(link, 4242, 4242)
            let run = try scan(format, to: link, log)
            #expect(run.status == 3 && run.stderr.contains("protected_symlinks"), "\(format): \(run.stderr)")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "secret\n", "\(format): the target is untouched")
            #expect(info(victim).st_mode & 0o7777 == 0o600)
            #expect(info(link).st_mode & S_IFMT == S_IFLNK, "\(format): the link stays")
        }
    }

    /// The writer's own link is followed; the file it names keeps its mode and owner.
    @Test func anOwnLinkIsFollowedAndTheFileKeepsItsModeAndOwner() throws {
        try #require(geteuid() == 0, "giving a file to another owner needs root (as CI runs)")
        let (dir, log) = try scene()
        for (format, name) in Self.formats where !name.hasSuffix(".db") {
            let target = dir + "/target-\(name)"
            try "old\n".write(toFile: target, atomically: true, encoding: .utf8)
            chmod(target, 0o640)
            chown(target, 4242, 4243)
            let link = dir + "/" + name
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            let run = try scan(format, to: link, log)
            #expect(run.status == 0, "\(format): \(run.stderr)")
            #expect(try String(contentsOfFile: target, encoding: .utf8) != "old\n", "\(format): written")
            let after = info(target)
            #expect(after.st_mode & 0o7777 == 0o640 && after.st_uid == 4242 && after.st_gid == 4243, "\(format): mode and owner kept")
            #expect(info(link).st_mode & S_IFMT == S_IFLNK, "\(format): the link stays a link")
        }
        // A database merged into stays the same file, with its mode and owner.
        let db = dir + "/f2b-existing.db"
        #expect(try scan("fail2ban-db", to: db, log).status == 0)
        chmod(db, 0o640)
        chown(db, 4242, 4243)
        let inode = info(db).st_ino
        #expect(try scan("fail2ban-db", to: db, log).status == 0)
        let after = info(db)
        #expect(after.st_ino == inode && after.st_mode & 0o7777 == 0o640 && after.st_uid == 4242, "the database is changed in place")
    }

    /// New files get the umask's mode: reports hold user names and mistyped passwords.
    @Test(arguments: ["077", "022"])
    func newFilesFollowTheUmask(_ umask: String) throws {
        let (dir, log) = try scene()
        let expected: mode_t = umask == "077" ? 0o600 : 0o644
        for (format, name) in Self.formats {
            let out = dir + "/\(umask)-\(name)"
            let run = try scan(format, to: out, log, umask: umask)
            #expect(run.status == 0, "\(format): \(run.stderr)")
            #expect(
                info(out).st_mode & 0o7777 == expected, "\(format) under umask \(umask): \(String(info(out).st_mode & 0o7777, radix: 8))")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "no temporary file is left: \(left)")
    }
}
