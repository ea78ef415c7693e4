import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Compressed copies of journal files (`system@x.journal.zst`, `.xz`, `.gz`, `.bz2`, as
/// archives and forensic copies keep them): sd-journal opens journal files only, so each is
/// inflated into a temporary directory of this process, removed when failscan exits.
package enum InflatedJournals {
    /// The inflated copies made, by compressed path; and the directory holding them.
    static let made = Mutex<(copies: [String: String], directory: String?)>(([:], nil))

    /// Whether `name` is a compressed journal file's (by its suffixes).
    package static func isCompressedJournal(_ name: String) -> Bool {
        Compression.suffixes.contains { suffix in name.hasSuffix(".journal" + suffix) || name.hasSuffix(".journal~" + suffix) }
    }

    /// The journal file sd-journal can open for `path`: itself, or, for a compressed copy
    /// (recognised by content, as logs are), its inflated copy.
    /// - Throws: `ScanError` naming `path` when it cannot be read or inflated, or the
    ///   temporary copy cannot be written.
    package static func openable(_ path: String) throws(ScanError) -> String {
        let (source, compression) = try LogFile.open(path)
        guard compression != .none else { return path }
        if let copy = made.withLock({ $0.copies[path] }) { return copy }
        let directory = try temporaryDirectory(for: path)
        let base = path.fileName
        let suffix = Compression.suffixes.first { base.hasSuffix($0) } ?? ""
        let name = String(base.dropLast(suffix.count))
        let copy = made.withLock { state in
            let copy = "\(directory)/\(state.copies.count)-\(JournalFiles.isJournal(name) ? name : name + ".journal")"
            state.copies[path] = copy
            return copy
        }
        let fd = Glibc.open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ScanError(
                .open, path: path, underlying: errno, "cannot write its inflated copy \(copy): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = write(fd, buffer.baseAddress! + written, n - written)
                guard w > 0 else {
                    throw ScanError(
                        .read, path: path, underlying: errno, "cannot write its inflated copy \(copy): \(String(cString: strerror(errno)))")
                }
                written += w
            }
        }
        if let warning = source.warnings.first { throw warning }
        return copy
    }

    /// This process's directory of inflated copies, made on first use and removed at exit.
    static func temporaryDirectory(for path: String) throws(ScanError) -> String {
        if let directory = made.withLock({ $0.directory }) { return directory }
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/failscan-journal-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ScanError(
                .open, path: path, underlying: errno,
                "cannot make a directory for its inflated copy in \(base): \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        Self.made.withLock { $0.directory = directory }
        atexit {
            InflatedJournals.made.withLock { state in
                for copy in state.copies.values { unlink(copy) }
                if let directory = state.directory { rmdir(directory) }
            }
        }
        return directory
    }
}
