import Foundation

/// The journal files that fail2ban's systemd backend options name: `journalfiles` (words
/// split on commas, spaces and newlines, each a glob) and `journalpath` (a directory), or a
/// path given to failscan (a file, a directory, a glob).
package enum JournalFiles {
    /// fail2ban's `journalfiles`: split as its `splitwords` splits, each word globbed, the
    /// files de-duplicated (in the order first found: sd-journal reads them as one stream
    /// in time order whatever their order).
    package static func files(_ option: String) -> [String] {
        var seen = Set<String>()
        return words(option).flatMap { Glob.expand($0) }.filter { seen.insert($0).inserted }
    }

    /// fail2ban's `splitwords`: words split on commas, spaces and newlines.
    static func words(_ option: String) -> [String] {
        option.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
    }

    /// Every journal file under `directory` (journald's layout puts them in a directory per
    /// machine): the live `*.journal`, archived `*@*.journal`, uncleanly closed
    /// `*.journal~` and their compressed copies (`.journal.zst`, `.xz`, `.gz`, `.bz2`), in
    /// path order.
    package static func inDirectory(_ directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard isJournal(relative) else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { found.append(path) }
        }
        return found.sorted()
    }

    /// Whether a file's name is a journal file's (or a compressed copy's: `.journal.zst`).
    package static func isJournal(_ name: String) -> Bool {
        name.hasSuffix(".journal") || name.hasSuffix(".journal~") || InflatedJournals.isCompressedJournal(name)
    }

    /// What a path given to failscan names: a directory's journal files, a glob's matches,
    /// or the file itself.
    package static func named(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? inDirectory(path) : [path]
        }
        return files(path)
    }
}

extension JournalFiles {
    /// `files` cut into streams that can be read apart, in the order sd-journal reads them:
    /// files whose entries all come before another's in sd-journal's order (a journal's
    /// archived files, rotated one after the other: ``JournalEntries/Position``) are a
    /// stream each, read in parallel and delivered one after the other; files whose entries
    /// interleave (several machines' journals, a user journal beside the system one) are
    /// read as one stream, sd-journal merging their entries as fail2ban's single reader
    /// does. A file sd-journal cannot open is a stream of its own (its error names it; the
    /// rest is read).
    package static func streams(_ files: [String], matches: [[String]]) -> [JournalSelection] {
        var bounded: [(file: String, head: JournalEntries.Position, tail: JournalEntries.Position)] = []
        var unreadable: [JournalSelection] = []
        // Compressed copies are read through their inflated copies, named as given.
        var shown: [String: String] = [:]
        for given in files {
            let file: String
            do {
                file = try InflatedJournals.openable(given)
            } catch {
                unreadable.append(JournalSelection(files: [given], matches: matches, problem: error))
                continue
            }
            shown[file] = given
            if let bounds = JournalEntries.bounds(of: file) {
                bounded.append((file, bounds.head, bounds.tail))
            } else {
                unreadable.append(JournalSelection(files: [file], matches: matches, names: [given]))
            }
        }
        bounded.sort { ($0.head.realtime, $0.file) < ($1.head.realtime, $1.file) }
        // A file comes after a group when every file of the group ends before it begins.
        var groups: [[(file: String, head: JournalEntries.Position, tail: JournalEntries.Position)]] = []
        for entry in bounded {
            let before = { (other: (file: String, head: JournalEntries.Position, tail: JournalEntries.Position)) in
                other.tail.precedes(entry.head) && !entry.head.precedes(other.head)
            }
            if let first = groups.firstIndex(where: { !$0.allSatisfy(before) }) {
                let merged = groups[first...].flatMap { $0 } + [entry]
                groups.removeSubrange(first...)
                groups.append(merged)
            } else {
                groups.append([entry])
            }
        }
        return unreadable
            + groups.map { group in
                let files = group.map(\.file).sorted()
                return JournalSelection(files: files, matches: matches, names: files.map { shown[$0] ?? $0 })
            }
    }
}

extension JournalFiles {
    /// `files` as one stream, as fail2ban-regex's single reader reads them; compressed
    /// copies through their inflated copies, named as given.
    /// - Throws: `ScanError` naming a compressed copy that does not inflate.
    package static func stream(_ files: [String], matches: [[String]]) throws(ScanError) -> JournalSelection {
        var openable: [String] = []
        for file in files { openable.append(try InflatedJournals.openable(file)) }
        return JournalSelection(files: openable, matches: matches, names: files)
    }
}
