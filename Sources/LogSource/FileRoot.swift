#if canImport(Glibc)
    import Glibc
#endif

/// A directory that stands for `/`: a restored system, a mounted disk image (`--root`, as
/// `journalctl --root` and `dpkg --root` take it). A path of that system is resolved inside
/// the directory as chroot(2) would resolve it: every symbolic link followed from the
/// directory (an absolute target starts again at the directory, `..` never climbs above
/// it), so a link in the image pointing to `/etc/shadow` names the image's own file, never
/// the host's.
package struct FileRoot: Sendable, Hashable {
    /// The directory, absolute, without a trailing slash ("" for `/` itself).
    package let directory: String

    /// The longest chain of links followed (Linux's limit).
    static let maxLinks = 40
    /// What a path whose links go on longer than ``maxLinks`` resolves to: a path nothing
    /// can be opened at (`/dev/null` is no directory), so that the link the chain stopped
    /// at is never handed to the kernel, which would follow it out of the root.
    static let unreachable = "/dev/null/"

    /// - Throws: `ScanError` when `directory` is not a directory.
    package init(_ directory: String) throws(ScanError) {
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ScanError(.open, path: directory, underlying: errno, "--root: not a directory")
        }
        guard let real = realpath(directory, nil) else {
            throw ScanError(.open, path: directory, underlying: errno, "--root: \(String(cString: strerror(errno)))")
        }
        defer { free(real) }
        let path = String(cString: real)
        self.directory = path == "/" ? "" : path
    }

    /// The host path of `path`, a path of the system under the root (relative paths are
    /// taken from its `/`), every link resolved inside the root. A component that does not
    /// exist ends the resolution: the rest is appended as it is (opening it fails as it
    /// would on the system). A chain of more than 40 links resolves to a path nothing can
    /// be opened at.
    package func resolve(_ path: String) -> String {
        var resolved: [Substring] = []
        var pending = Array(path.split(separator: "/").reversed())
        var links = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = directory + "/" + (resolved + [component]).joined(separator: "/")
            var info = stat()
            guard lstat(candidate, &info) == 0 else {
                resolved.append(component)
                resolved += pending.reversed()
                break
            }
            guard info.st_mode & S_IFMT == S_IFLNK else {
                resolved.append(component)
                continue
            }
            guard links < Self.maxLinks, let target = Self.link(candidate) else { return Self.unreachable + component }
            links += 1
            if target.hasPrefix("/") { resolved = [] }
            pending += target.split(separator: "/").reversed()
        }
        return directory + "/" + resolved.joined(separator: "/")
    }

    /// A host path under the root (built from a path ``resolve(_:)`` gave) resolved again
    /// inside the root; a path outside it is taken as a path of the system under the root.
    package func contain(_ hostPath: String) -> String {
        guard !directory.isEmpty else { return resolve(hostPath) }
        if hostPath == directory { return directory + "/" }
        if hostPath.hasPrefix(directory + "/") { return resolve(String(hostPath.dropFirst(directory.count))) }
        return resolve(hostPath)
    }

    /// The path of the system under the root that a host path under it stands for
    /// (`/var/log/auth.log` for `ROOT/var/log/auth.log`).
    package func systemPath(_ hostPath: String) -> String {
        guard !directory.isEmpty, hostPath.hasPrefix(directory + "/") else { return hostPath }
        return String(hostPath.dropFirst(directory.count))
    }

    /// The files a glob of the system under the root matches (as glob(3), `*` not across
    /// `/` nor matching a leading `.`), as host paths, each resolved inside the root, in
    /// byte order per directory. Directories are listed only once resolved, so no link
    /// leads the walk outside the root.
    package func expand(_ pattern: String) -> [String] {
        var paths = [""]
        let components = pattern.split(separator: "/")
        for (index, component) in components.enumerated() {
            let last = index == components.count - 1
            var next: [String] = []
            for path in paths {
                if component.contains(where: { "*?[".contains($0) }) {
                    let listed = resolve(path.isEmpty ? "/" : path)
                    for name in Self.entries(listed).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
                    where fnmatch(String(component), name, FNM_PERIOD) == 0 {
                        next.append(path + "/" + name)
                    }
                } else {
                    next.append(path + "/" + component)
                }
            }
            paths = next
            if !last { paths = paths.filter { isDirectory(resolve($0)) } }
        }
        var seen = Set<String>()
        return paths.map(resolve).filter { exists($0) && seen.insert($0).inserted }
    }

    func isDirectory(_ hostPath: String) -> Bool {
        var info = stat()
        return lstat(hostPath, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    package func exists(_ hostPath: String) -> Bool {
        var info = stat()
        return lstat(hostPath, &info) == 0
    }

    /// A link's target, or nil.
    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, Int(PATH_MAX))
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The names in a directory (none when it cannot be read).
    static func entries(_ directory: String) -> [String] { RotatedSet.directoryEntries(directory) }
}
