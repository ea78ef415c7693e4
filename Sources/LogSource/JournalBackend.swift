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
        let found = directories.flatMap { directory in
            guard let root else { return JournalFiles.inDirectory(directory) }
            // Found under the resolved directory, each file resolved again: a link in the
            // image names the image's file.
            return JournalFiles.inDirectory(root.resolve(directory)).map(root.contain)
        }
        return found.filter { keeps(name: $0.fileName) }
    }

    /// sd-journal's open flags as fail2ban gives them: `journalflags`, else 4 (system only)
    /// when no `journalpath` is given.
    var openFlags: Int { flags ?? (path == nil ? 4 : 0) }

    /// Where the journal files are looked for: `journalpath`, else the system journal's
    /// directories (the runtime one only with flag 2).
    var directories: [String] {
        path.map { [$0] } ?? Self.systemDirectories.filter { openFlags & 2 == 0 || $0.hasPrefix("/run") }
    }

    /// Whether the flags keep a journal file of this name: flag 1 leaves out remote
    /// journals, flag 4 (without 8) users' journals.
    func keeps(name: String) -> Bool {
        if openFlags & 1 != 0, name.hasPrefix("remote-") { return false }
        if openFlags & 4 != 0, openFlags & 8 == 0, name.hasPrefix("user-") { return false }
        return true
    }

    /// Whether these options name `path` (a shard's file, or one of a ledger's journal
    /// streams' files): a journal file that one of the `journalfiles` globs matches, or
    /// under `journalpath`, or else under the system journal's directories (users'
    /// journals left out by default, as ``journalFiles(root:)`` leaves them).
    package func claims(_ path: String) -> Bool {
        let name = path.fileName
        guard JournalFiles.isJournal(name) else { return false }
        if let files {
            return JournalFiles.words(files).contains { fnmatch($0, path, FNM_PATHNAME) == 0 }
        }
        return keeps(name: name) && directories.contains { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// What the options name, for messages.
    package var description: String {
        if let files { return "journalfiles=\(files)" }
        if let path { return "journalpath=\(path)" }
        return "the system journal (\(Self.systemDirectories.joined(separator: ", ")))"
    }
}
