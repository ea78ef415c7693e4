import Fail2banConfig
import LogSource

#if canImport(Glibc)
    import Glibc
#endif

/// Log files named on the command line (`failscan jails FILE...`), given to the jails that
/// read them, as an archive's files come: each file to every jail one of whose `logpath`
/// patterns carries its file name, its rotated and compressed siblings too (`auth.log.3.gz`
/// goes to the jails reading `auth.log`, `/mnt/var/log/mail.log` to those reading
/// `/var/log/mail.log`); journal files to the jails of the systemd backend.
package struct LogAssignment: Sendable {
    /// Per jail name, the files it reads, in the order given.
    package let files: [String: [String]]
    /// Files no jail reads.
    package let unread: [String]

    /// - Parameter jails: the jails that may take files (their `logpath` as configured).
    package init(_ paths: [String], jails: [JailConfig]) {
        var files: [String: [String]] = [:]
        var unread: [String] = []
        for path in paths {
            let takers = jails.filter { Self.reads($0, path) }
            if takers.isEmpty { unread.append(path) }
            for jail in takers { files[jail.name, default: []].append(path) }
        }
        self.files = files
        self.unread = unread
    }

    /// Whether `jail` reads `path` by its name.
    package static func reads(_ jail: JailConfig, _ path: String) -> Bool {
        let name = path.fileName
        if jail.backend.lowercased().hasPrefix("systemd") { return JournalFiles.isJournal(name) }
        let base = RotatedSet.rotation(of: name).base.fileName
        return jail.logPatterns.contains { pattern in
            let patternName = pattern.fileName
            return fnmatch(patternName, base, 0) == 0 || fnmatch(patternName, name, 0) == 0
        }
    }
}
