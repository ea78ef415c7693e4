import LogSource

#if canImport(Glibc)
    import Glibc
#endif

/// Where an output named on the command line really goes, decided before anything is
/// written, for a failscan that often runs as root:
/// - a symbolic link is followed only where the kernel's `protected_symlinks` rule would
///   follow it, applied to every directory, sticky or not: the link is the writer's own, or
///   its owner also owns the directory it sits in. A link another user planted (on a host
///   without `protected_symlinks`, or in a shared directory that is not sticky) is refused,
///   so failscan never rewrites `/etc/shadow` through `/tmp/out.html`;
/// - a file that exists keeps its mode and owner when it is replaced; a new one is created
///   with the process's umask (reports hold user names and mistyped passwords);
/// - temporary files are created with `O_EXCL` under unpredictable names (`mkstemp`),
///   which no link planted in advance can redirect.
package struct OutputPath: Sendable {
    /// The path as given.
    package let given: String
    /// The file to write: `given`, or the file a followed link names.
    package let path: String
    /// What is at `path` now (nil: nothing).
    let existing: stat?

    /// Decides where `target` goes.
    /// - Throws: `WriteError` for a link that is not followed (`ELOOP`).
    package static func resolve(_ target: String) throws(WriteError) -> OutputPath {
        var link = stat()
        guard lstat(target, &link) == 0 else { return OutputPath(given: target, path: target, existing: nil) }
        guard link.st_mode & S_IFMT == S_IFLNK else { return OutputPath(given: target, path: target, existing: link) }
        var directory = stat()
        let parent = Self.directory(of: target)
        guard stat(parent, &directory) == 0 else {
            throw WriteError(path: target, errno: errno, action: "look at the directory \(parent)")
        }
        guard link.st_uid == geteuid() || link.st_uid == directory.st_uid else {
            throw WriteError(
                path: target, errno: ELOOP,
                action:
                    "follow a symbolic link owned by uid \(link.st_uid) in a directory owned by uid \(directory.st_uid) (the kernel's protected_symlinks rule; name the file it points to instead)"
            )
        }
        var followed = stat()
        let leadsSomewhere = stat(target, &followed) == 0
        if leadsSomewhere, followed.st_mode & S_IFMT != S_IFREG, followed.st_mode & S_IFMT != S_IFDIR {
            // A trusted link to a device or a FIFO (`/dev/stdout`, whose target is no path
            // of its own): written as it is, through the link.
            return OutputPath(given: target, path: target, existing: followed)
        }
        guard let resolved = realpath(target, nil) else {
            // A dangling link: its target is created, as open(2) would.
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(target, &buffer, buffer.count - 1)
            guard count > 0 else { return OutputPath(given: target, path: target, existing: nil) }
            let text = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let path = text.hasPrefix("/") ? text : parent + "/" + text
            return try resolveDangling(target, path)
        }
        defer { free(resolved) }
        // `followed` is already what the link leads to.
        return OutputPath(given: target, path: String(cString: resolved), existing: leadsSomewhere ? followed : nil)
    }

    /// A link to nothing: its target is followed once, and must itself be no link.
    static func resolveDangling(_ target: String, _ path: String) throws(WriteError) -> OutputPath {
        var info = stat()
        if lstat(path, &info) == 0 {
            throw WriteError(path: target, errno: ELOOP, action: "follow a chain of symbolic links")
        }
        return OutputPath(given: target, path: path, existing: nil)
    }

    /// The directory part of `path` ("." for a bare name, "/" for the root).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// The directory `path` is in.
    package var directory: String { Self.directory(of: path) }

    /// Whether something is at the path now.
    package var exists: Bool { existing != nil }

    /// Whether the path is a regular file now.
    package var isRegularFile: Bool { existing.map { $0.st_mode & S_IFMT == S_IFREG } ?? false }

    /// Whether the path is a directory.
    package var isDirectory: Bool { existing.map { $0.st_mode & S_IFMT == S_IFDIR } ?? false }

    /// A new, empty temporary file beside `path` (`O_EXCL`, an unpredictable name, mode
    /// 0600 until ``settle(_:)``), registered with ``TemporaryFiles`` (with the files named
    /// by `companions`' suffixes, a database's journal) before it is created: a signal at any
    /// moment leaves none of them.
    /// - Returns: its descriptor and path.
    package func makeTemporary(companions: [String] = []) throws(WriteError) -> (fd: Int32, path: String) {
        for _ in 0..<100 {
            let candidate = temporaryName()
            TemporaryFiles.begin([candidate] + companions.map { candidate + $0 })
            let fd = open(candidate, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0o600)
            if fd >= 0 { return (fd, candidate) }
            let err = errno
            TemporaryFiles.done()
            if err != EEXIST { throw WriteError(path: path, errno: err, action: "create a temporary file") }
        }
        throw WriteError(path: path, errno: EEXIST, action: "create a temporary file")
    }

    /// A name for a temporary file beside `path`: `.NAME.` and 10 random letters and digits.
    func temporaryName() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<10).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
        return "\(directory)/.\(path.fileName).\(suffix)"
    }

    /// A new file beside `path` without a name (`O_TMPFILE`, mode 0600 until
    /// ``settle(_:)``): nothing is left of it whatever ends the process before
    /// ``link(_:)`` names it. Nil where the file system (or a kernel before 3.11) has none,
    /// or /proc is missing (the link goes through `/proc/self/fd`).
    package func makeUnnamed() -> Int32? {
        guard access("/proc/self/fd", X_OK) == 0 else { return nil }
        let fd = open(directory, Self.unnamedFlag | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0o600)
        return fd >= 0 ? fd : nil
    }

    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`; the C macro is not imported).
    static let unnamedFlag: Int32 = 0o20_000_000 | O_DIRECTORY

    /// Names the unnamed file `fd` (``makeUnnamed()``) and renames it over `path`: the
    /// name exists only between the two calls, and is registered for removal on a signal.
    /// - Throws: `WriteError`; the target is untouched then.
    package func link(_ fd: Int32) throws(WriteError) {
        for _ in 0..<100 {
            let candidate = temporaryName()
            TemporaryFiles.begin([candidate])
            defer { TemporaryFiles.done() }
            guard linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, candidate, AT_SYMLINK_FOLLOW) == 0 else {
                if errno == EEXIST { continue }
                throw WriteError(path: path, errno: errno, action: "link the written file")
            }
            guard rename(candidate, path) == 0 else {
                let err = errno
                unlink(candidate)
                throw WriteError(path: path, errno: err, action: "rename into place")
            }
            return
        }
        throw WriteError(path: path, errno: EEXIST, action: "link the written file")
    }

    /// Gives a temporary file the mode and owner the output should have: those of the
    /// file it replaces, else the umask's.
    package func settle(_ fd: Int32) throws(WriteError) {
        if let existing, existing.st_mode & S_IFMT == S_IFREG {
            // The owner first: chown clears the set-id bits that the mode then restores.
            if existing.st_uid != geteuid() || existing.st_gid != getegid() {
                _ = fchown(fd, existing.st_uid, existing.st_gid)
            }
            guard fchmod(fd, existing.st_mode & 0o7777) == 0 else {
                throw WriteError(path: path, errno: errno, action: "set permissions")
            }
        } else {
            guard fchmod(fd, 0o666 & ~Self.umask) == 0 else {
                throw WriteError(path: path, errno: errno, action: "set permissions")
            }
        }
    }

    /// The process's umask, from `/proc/self/status` (setting it to read it back would
    /// race with threads creating files); the `umask` call where /proc has no such line.
    static let umask: mode_t = {
        let status = FileDescriptor.contents(of: "/proc/self/status", limit: 65536).map { String(decoding: $0, as: UTF8.self) } ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("Umask:") {
            if let mask = mode_t(line.dropFirst(6).trimmingPrefix(while: { $0 == " " || $0 == "\t" }), radix: 8) { return mask }
        }
        let mask = Glibc.umask(0o022)
        _ = Glibc.umask(mask)
        return mask
    }()
}
