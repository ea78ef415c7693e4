import LogSource

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file so that readers see the old content or the whole new content, never a
/// half-written one: a temporary file beside the target, `fsync`, then `rename`. Only
/// regular files are replaced: a device, a FIFO or `/dev/stdout` is written in place, a
/// directory refused; a symbolic link to a regular file has its target replaced.
public enum AtomicFile {
    /// An output problem, naming the file.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        public let action: String
        public var description: String { "\(path): cannot \(action): \(String(cString: strerror(errno)))" }
    }

    /// Replaces `path` with `bytes` atomically.
    /// - Throws: `WriteError` naming the file and the failing step; the target is untouched then.
    public static func write(_ bytes: [UInt8], to target: String) throws(WriteError) {
        var path = target
        var info = stat()
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                // A link to a regular file: replace the file, keep the link.
                if let resolved = realpath(target, nil) {
                    path = String(cString: resolved)
                    free(resolved)
                }
            case S_IFDIR:
                throw WriteError(path: target, errno: EISDIR, action: "write")
            default:
                return try writeInPlace(bytes, to: target)
            }
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: path, errno: errno, action: "create a temporary file") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        TemporaryFiles.begin([temporary])
        defer { TemporaryFiles.done() }
        var failure: WriteError? = nil
        if let err = bytes.withUnsafeBytes({ FileDescriptor.writeAll(fd, $0) }) {
            failure = WriteError(path: path, errno: err, action: "write")
        }
        if failure == nil, fchmod(fd, 0o644) != 0 { failure = WriteError(path: path, errno: errno, action: "set permissions") }
        if failure == nil, fsync(fd) != 0 { failure = WriteError(path: path, errno: errno, action: "fsync") }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = WriteError(path: path, errno: errno, action: "rename into place") }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Writes to a device or FIFO as it is (no temporary file can replace it).
    static func writeInPlace(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WriteError(path: path, errno: errno, action: "open for writing") }
        defer { close(fd) }
        if let err = bytes.withUnsafeBytes({ FileDescriptor.writeAll(fd, $0) }) {
            throw WriteError(path: path, errno: err, action: "write")
        }
    }
}
