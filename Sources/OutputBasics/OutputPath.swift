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
    /// 0600 until ``settle(_:)``).
    /// - Returns: its descriptor and path.
    package func makeTemporary() throws(WriteError) -> (fd: Int32, path: String) {
        let name = path.fileName
        var template = Array("\(directory)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: path, errno: errno, action: "create a temporary file") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
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
