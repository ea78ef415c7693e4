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
    /// `*.journal~`, in path order.
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

    /// Whether a file's name is a journal file's.
    package static func isJournal(_ name: String) -> Bool { name.hasSuffix(".journal") || name.hasSuffix(".journal~") }

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
