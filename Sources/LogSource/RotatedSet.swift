#if canImport(Glibc)
    import Glibc
#endif

/// Orders log files the way logrotate names them, oldest first: `mail.log.3.xz`,
/// `mail.log.2.gz`, `mail.log.1`, `mail.log`. Files of different logs keep the order
/// in which their first member was given.
package enum RotatedSet {
    /// The name endings logrotate's compressors add; the content decides how a file is
    /// read (``Compression/detect(_:)``), the name only where it stands in its set.
    package static var compressionSuffixes: [String] { Compression.suffixes }

    /// The log a file belongs to and its rotation number (0 for the live file).
    package static func rotation(of path: String) -> (base: String, number: Int) {
        var name = path
        if let suffix = compressionSuffixes.first(where: { name.hasSuffix($0) }) { name.removeLast(suffix.count) }
        if let dot = name.lastIndex(of: "."), let n = Int(name[name.index(after: dot)...]), n >= 0 {
            return (String(name[..<dot]), n)
        }
        return (name, 0)
    }

    /// `paths` in time order, oldest first, per log.
    package static func timeOrder(_ paths: [String]) -> [String] {
        var groups: [String: [(String, Int)]] = [:]
        var order: [String] = []
        for path in paths {
            let (base, number) = rotation(of: path)
            if groups[base] == nil { order.append(base) }
            groups[base, default: []].append((path, number))
        }
        return order.flatMap { base in groups[base]!.sorted { $0.1 > $1.1 }.map(\.0) }
    }

    /// The files of `patterns` (fail2ban's `logpath` lines, globs allowed), each with its
    /// rotated siblings (`mail.log.1`, `mail.log.2.gz`, `mail.log.3.xz`, ...) unless
    /// `rotated` is false, oldest first, each file once. The order is over all patterns:
    /// `logpath` naming `auth.log.1` and `auth.log` still reads `auth.log.2.gz` first (a
    /// multi-line filter's state runs through a jail's files in that order).
    /// - Parameter root: the system the patterns belong to (`--root`): they are globbed and
    ///   resolved inside it (``FileRoot/expand(_:)``).
    package static func files(matching patterns: [String], rotated: Bool = true, root: FileRoot? = nil) -> [String] {
        var files: [String] = []
        var seen = Set<String>()
        // Each directory read once, its names grouped by the log they rotate from: a glob
        // per file made a fleet's 20,000 files take a minute.
        var rotatedIn: [String: [String: [String]]] = [:]
        for pattern in patterns {
            for path in root?.expand(pattern) ?? Glob.expand(pattern) {
                var siblings: [String] = []
                if rotated {
                    let slash = path.lastIndex(of: "/")
                    let directory = slash.map { String(path[..<$0]) } ?? "."
                    let groups =
                        rotatedIn[directory]
                        ?? rotatedFrom(
                            directoryEntries(directory.isEmpty ? "/" : directory).map { slash == nil ? $0 : directory + "/" + $0 })
                    rotatedIn[directory] = groups
                    siblings = Self.siblings(of: path, in: groups)
                    // Inside a root, a sibling that is a link resolves inside it too; one that
                    // leads nowhere there is not read.
                    if let root { siblings = siblings.map(root.contain).filter { root.exists($0) } }
                }
                for file in [path] + siblings where seen.insert(file).inserted { files.append(file) }
            }
        }
        return timeOrder(files)
    }

    /// `paths` that rotate from another log (`auth.log.2.gz` from `auth.log`), under that log.
    static func rotatedFrom(_ paths: [String]) -> [String: [String]] {
        var groups: [String: [String]] = [:]
        for path in paths {
            let base = rotation(of: path).base
            if base != path { groups[base, default: []].append(path) }
        }
        return groups
    }

    /// The rotated siblings of `path` among `groups` (``rotatedFrom(_:)``): what glob(3)
    /// gives for `path.[0-9]*` (`*` not across `/`), in byte order.
    static func siblings(of path: String, in groups: [String: [String]]) -> [String] {
        (groups[path] ?? []).filter { fnmatch(path + ".[0-9]*", $0, Int32(FNM_PATHNAME | FNM_PERIOD)) == 0 }.sorted(by: byBytes)
    }

    /// Byte order (glob(3)'s in the C locale).
    static func byBytes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// The names in `directory` (none when it cannot be read).
    static func directoryEntries(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The files of `paths` that ``files(matching:rotated:)`` would find for `patterns`, in
    /// the order it would give them, from the names alone: for a machine without the files
    /// (`failscan reduce` of ledgers mapped elsewhere). Globs match as glob(3) does (`*`
    /// not across `/`, nor a leading dot), matches in byte order. n log n in the paths (a
    /// fleet of 1,000 hosts with 20 files each orders in milliseconds). A rotated file whose
    /// log is not among `paths` (`auth.log.1` alone) still belongs to the patterns naming
    /// that log.
    /// - Parameter pathOf: the path a name stands for, which the patterns match (a reduce's
    ///   `SHARD:PATH` for a path several shards read); rotated sets are grouped by name.
    package static func order(_ paths: [String], patterns: [String], rotated: Bool = true, pathOf: (String) -> String = { $0 }) -> [String]
    {
        let flags = Int32(FNM_PATHNAME | FNM_PERIOD)
        let groups = rotated ? rotatedFrom(paths) : [:]
        let present = Set(paths)
        let absentLogs = groups.keys.filter { !present.contains($0) }
        var sequence: [String] = []
        var seen = Set<String>()
        for pattern in patterns {
            for path in (paths + absentLogs).filter({ fnmatch(pattern, pathOf($0), flags) == 0 }).sorted(by: byBytes) {
                let siblings = Self.siblings(of: path, in: groups)
                for file in (present.contains(path) ? [path] : []) + siblings where seen.insert(file).inserted { sequence.append(file) }
            }
        }
        return timeOrder(sequence)
    }

    /// The sum of the sizes of `paths` on disk (a path that is not there is not read
    /// either): the total of a scan's progress, which counts compressed files by their
    /// compressed bytes.
    package static func storedSize(_ paths: [String]) -> Int {
        var total = 0
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            total += Int(info.st_size)
        }
        return total
    }
}
