import Foundation
import LogSource
import TestSupport
import Testing

/// Issue 24, first step: journal entries rendered as fail2ban's systemd backend renders
/// them. The oracle is fail2ban's own `FilterSystemd.formatJournalEntry` over
/// python-systemd's `journal.Reader`, on journal files that `systemd-journal-remote` built
/// from `Corpus/generate.py journal-export` (no running journald).
@Suite struct JournalEntriesTests {
    static let hint = TestSupport.journalHint

    /// fail2ban's line and time (float seconds) of every entry of `files`.
    static let oracle = """
        import json, sys
        from systemd import journal
        from fail2ban.server.filtersystemd import FilterSystemd
        class Jail:
            jailName = "oracle"
            def getLogEncoding(self): return "UTF-8"
            def getJrnEntTime(self, entry): return FilterSystemd.getJrnEntTime(self, entry)
        for entry in journal.Reader(files=sys.argv[1:], converters={'__CURSOR': lambda x: x}):
            (_, date, line), time = FilterSystemd.formatJournalEntry(Jail(), entry)
            print(json.dumps([line, time]))
        """

    static func journal(entries: Int, seed: Int, in dir: URL) throws -> String {
        try TestSupport.journal(entries: entries, seed: seed, in: dir)
    }

    @Test func entriesAreTheLinesFail2banMatches() throws {
        let dir = try TestSupport.temporaryDirectory()
        let files = [try Self.journal(entries: 3000, seed: 7, in: dir), try Self.journal(entries: 1000, seed: 8, in: dir)]
        let theirs = try TestSupport.run("/usr/bin/python3", ["-c", Self.oracle] + files)
        try #require(theirs.status == 0, "\(theirs.stderr) (\(Self.hint))")
        let expected = try theirs.stdout.split(separator: "\n").map { row in
            let pair = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [Any])
            return (line: pair[0] as! String, time: pair[1] as! Double)
        }
        let entries = try JournalEntries(files: files)
        var ours: [JournalEntries.Entry] = []
        while let entry = try entries.next() { ours.append(entry) }
        #expect(ours.count == 4000)
        #expect(ours.count == expected.count)
        var differing = 0
        for (mine, their) in zip(ours, expected) {
            // fail2ban decodes invalid UTF-8 as U+FFFD; failscan keeps the bytes and its
            // matcher decodes them the same way.
            let line = String(decoding: mine.line, as: UTF8.self)
            if line != their.line || mine.time != Int(their.time.rounded(.down)) {
                differing += 1
                if differing <= 5 {
                    Issue.record("\(line.debugDescription) at \(mine.time) against \(their.line.debugDescription) at \(their.time)")
                }
            }
        }
        #expect(differing == 0)
        // What the generator plants, as fail2ban writes it.
        let lines = Set(ours.map { String(decoding: $0.line, as: UTF8.self) })
        #expect(lines.contains { $0.hasPrefix("srv1 kernel: [") })
        #expect(lines.contains { $0.hasPrefix("srv1 postfix/smtpd[b'abc']: ") })
        #expect(lines.contains { $0.hasPrefix("srv1 dovecot[31]: ") && $0.hasSuffix("\\n(details)") })
        #expect(lines.contains("CRON: "))
        // A MESSAGE given twice: python-systemd gives a list, fail2ban joins it with spaces.
        #expect(lines.contains { $0.hasSuffix(": first part second part") })
        // A 100 KB MESSAGE: read whole (uncompressed data is not cut by sd-journal's threshold).
        #expect(lines.contains { $0.count > 100_000 })
    }

    @Test func journalmatchSelectsAsSdJournalDoes() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = try Self.journal(entries: 2000, seed: 9, in: dir)
        let all = try JournalEntries(files: [file])
        var counts: [String: Int] = [:]
        while let entry = try all.next() {
            let ident = String(decoding: entry.line, as: UTF8.self).split(separator: " ").dropFirst().first.map(String.init) ?? ""
            counts[ident.hasPrefix("sshd[") ? "sshd" : ident.hasPrefix("sshd-session[") ? "sshd-session" : "other", default: 0] += 1
        }
        // sshd's journalmatch: two groups ORed (stock: _SYSTEMD_UNIT=sshd.service + _COMM=sshd).
        let sshd = try JournalEntries(files: [file], matches: [["_COMM=sshd"], ["_COMM=sshd-session"]])
        var matched = 0
        while let entry = try sshd.next() {
            let text = String(decoding: entry.line, as: UTF8.self)
            #expect(text.hasPrefix("srv1 sshd"), "\(text)")
            matched += 1
        }
        // Every entry of either command, and only those.
        #expect(matched > 0 && matched == counts["sshd", default: 0] + counts["sshd-session", default: 0])
        let neither = try JournalEntries(files: [file], matches: [["_COMM=sshd", "_COMM=nothing"], ["_HOSTNAME=nowhere"]])
        var either = 0
        while try neither.next() != nil { either += 1 }
        #expect(either > 0, "terms on the same field are ORed")
        let none = try JournalEntries(files: [file], matches: [["_COMM=sshd", "_HOSTNAME=nowhere"]])
        #expect(try none.next() == nil, "terms on different fields are ANDed")
    }

    /// A copy cut short (journal files are preallocated: the header promises more than
    /// is there): sd-journal refuses it, as journalctl does; the error names the file.
    @Test func aTruncatedJournalIsAnErrorNamingTheFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = try Self.journal(entries: 1000, seed: 10, in: dir)
        let cut = dir.appendingPathComponent("cut.journal").path
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        try data.prefix(data.count / 4).write(to: URL(fileURLWithPath: cut))
        var read = 0
        let failure: (any Error)? = {
            do {
                let entries = try JournalEntries(files: [cut])
                while try entries.next() != nil { read += 1 }
                return nil
            } catch { return error }
        }()
        let journalctl = try TestSupport.run("/usr/bin/journalctl", ["--file", cut, "-o", "short"])
        if let failure {
            #expect((failure as? ScanError)?.path == cut, "\(failure)")
            #expect(journalctl.status != 0 || journalctl.stdout.isEmpty, "journalctl read it: \(journalctl.stdout.prefix(200))")
        } else {
            // What sd-journal gives back is what journalctl shows.
            #expect(read == journalctl.stdout.split(separator: "\n").count)
        }
    }

    /// `journalfiles` split and globbed as fail2ban does, a directory read as journald lays
    /// journals out (live, archived and uncleanly closed files), and the files read as one
    /// stream.
    @Test func journalFilesAreNamedAsFail2banNamesThem() throws {
        let dir = try TestSupport.temporaryDirectory()
        let machine = dir.appendingPathComponent("0123456789abcdef0123456789abcdef")
        try FileManager.default.createDirectory(at: machine, withIntermediateDirectories: true)
        let live = try Self.journal(entries: 200, seed: 11, in: dir)
        let archived = machine.appendingPathComponent("system@0123-0000000000000001-0005f3a2b1c0d9e8.journal").path
        let unclean = machine.appendingPathComponent("user-1000.journal~").path
        try FileManager.default.moveItem(atPath: live, toPath: machine.appendingPathComponent("system.journal").path)
        try FileManager.default.copyItem(atPath: try Self.journal(entries: 100, seed: 12, in: dir), toPath: archived)
        try FileManager.default.copyItem(atPath: try Self.journal(entries: 50, seed: 13, in: dir), toPath: unclean)
        try "not a journal\n".write(toFile: machine.appendingPathComponent("notes.txt").path, atomically: true, encoding: .utf8)
        let all = JournalFiles.named(dir.path).filter { $0.hasPrefix(machine.path) }
        #expect(
            all.map { ($0 as NSString).lastPathComponent }.sorted()
                == ["system.journal", "system@0123-0000000000000001-0005f3a2b1c0d9e8.journal", "user-1000.journal~"])
        let option = "\(machine.path)/*.journal, \(machine.path)/system*.journal\n\(machine.path)/*.journal~"
        #expect(Set(JournalFiles.files(option)) == Set(all))
        #expect(JournalFiles.files(option).count == 3, "de-duplicated")
        #expect(JournalFiles.named(unclean) == [unclean])
        let entries = try JournalEntries(files: all)
        var count = 0
        // One stream in time order across the files (source timestamps may lead by 5 s).
        var last: Int64 = 0
        var ordered = true
        while let entry = try entries.next() {
            count += 1
            ordered = ordered && entry.microseconds >= last - 10_000_000
            last = max(last, entry.microseconds)
        }
        #expect(count == 350)
        #expect(ordered)
    }

    @Test func aFileThatIsNoJournalIsRefusedByName() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("auth.log").path
        try "Jan  1 00:00:00 host sshd[1]: hello\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            let entries = try JournalEntries(files: [path])
            _ = try entries.next()
        } throws: { error in
            (error as? ScanError)?.path == path
        }
    }
}
