#if canImport(Glibc)
    import Glibc
#endif

/// fail2ban's systemd backend options: `backend = systemd[journalfiles="GLOB GLOB"]`,
/// `systemd[journalpath=DIR]`, `journalflags`, and fail2ban-regex's
/// `systemd-journal[...]` log argument, which takes the same options.
package struct JournalBackend: Sendable, Equatable {
    /// `journalfiles`: globs, split on commas, blanks and newlines.
    package var files: String?
    /// `journalpath`: a directory of journal files.
    package var path: String?
    /// `journalflags`: sd-journal's open flags (1 local only, 2 runtime only, 4 system
    /// only, 8 current user); without files or path fail2ban opens with 4.
    package var flags: Int?

    /// The system journal's directories.
    package static let systemDirectories = ["/var/log/journal", "/run/log/journal"]

    /// Reads the options of a backend (`systemd`, `systemd-journal`) given as `options`.
    /// - Throws: `ScanError` for an option failscan does not read (`namespace`, or a name
    ///   fail2ban does not know), naming it.
    package init(options: [String: String], naming spec: String) throws(ScanError) {
        for (key, value) in options {
            switch key {
            case "journalfiles": files = value
            case "journalpath": path = value
            case "journalflags":
                guard let number = Int(value) else { throw ScanError(.open, path: spec, "journalflags \(value) is not a number") }
                flags = number
            case "namespace":
                throw ScanError(
                    .open, path: spec,
                    "namespace is not read: give the namespace's directory instead (journalpath=/var/log/journal/MACHINE-ID.\(value))")
            default:
                throw ScanError(.open, path: spec, "unknown systemd backend option \(key)")
            }
        }
    }

    package init(files: String? = nil, path: String? = nil, flags: Int? = nil) {
        self.files = files
        self.path = path
        self.flags = flags
    }

    /// The journal files these options name, as fail2ban's `_getJournalArgs` opens them:
    /// `journalfiles` globbed and de-duplicated; else `journalpath`'s journal files; else
    /// the system journal (by default without users' journals, flag 4).
    /// - Parameter root: the system the options belong to (`--root`): every path resolved
    ///   inside it.
    package func journalFiles(root: FileRoot? = nil) -> [String] {
        if let files {
            guard let root else { return JournalFiles.files(files) }
            var seen = Set<String>()
            return JournalFiles.words(files).flatMap(root.expand).filter { seen.insert($0).inserted }
        }
        let flags = self.flags ?? (path == nil ? 4 : 0)
        let directories = path.map { [$0] } ?? Self.systemDirectories.filter { flags & 2 == 0 || $0.hasPrefix("/run") }
        let found = directories.flatMap { directory in
            guard let root else { return JournalFiles.inDirectory(directory) }
            // Found under the resolved directory, each file resolved again: a link in the
            // image names the image's file.
            return JournalFiles.inDirectory(root.resolve(directory)).map(root.contain)
        }
        return found.filter { file in
            let name = file.split(separator: "/").last.map(String.init) ?? file
            if flags & 1 != 0, name.hasPrefix("remote-") { return false }
            if flags & 4 != 0, flags & 8 == 0, name.hasPrefix("user-") { return false }
            return true
        }
    }

    /// Whether these options name `path` (a shard's file, or one of a ledger's journal
    /// streams' files): a journal file that one of the `journalfiles` globs matches, or
    /// under `journalpath`, or else under the system journal's directories (users'
    /// journals left out by default, as ``journalFiles(root:)`` leaves them).
    package func claims(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard JournalFiles.isJournal(name) else { return false }
        if let files {
            return JournalFiles.words(files).contains { fnmatch($0, path, FNM_PATHNAME) == 0 }
        }
        let flags = self.flags ?? (self.path == nil ? 4 : 0)
        if flags & 1 != 0, name.hasPrefix("remote-") { return false }
        if flags & 4 != 0, flags & 8 == 0, name.hasPrefix("user-") { return false }
        let directories = self.path.map { [$0] } ?? Self.systemDirectories.filter { flags & 2 == 0 || $0.hasPrefix("/run") }
        return directories.contains { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// What the options name, for messages.
    package var description: String {
        if let files { return "journalfiles=\(files)" }
        if let path { return "journalpath=\(path)" }
        return "the system journal (\(Self.systemDirectories.joined(separator: ", ")))"
    }
}
