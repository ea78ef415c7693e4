import LogSource

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file so that readers see the old content or the whole new content, never a
/// half-written one: a temporary file beside the target, `fsync`, then `rename`. Only
/// regular files are replaced: a device, a FIFO or `/dev/stdout` is written in place, a
/// directory refused. Links are followed as ``OutputPath`` decides (never one another user
/// planted); a replaced file keeps its mode and owner, a new one gets the umask's mode.
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
        let output = try OutputPath.resolve(target)
        if output.isDirectory { throw WriteError(path: target, errno: EISDIR, action: "write") }
        if output.exists && !output.isRegularFile { return try writeInPlace(bytes, to: output.path) }
        let path = output.path
        let (fd, temporary) = try output.makeTemporary()
        TemporaryFiles.begin([temporary])
        defer { TemporaryFiles.done() }
        var failure: WriteError? = nil
        if let err = bytes.withUnsafeBytes({ FileDescriptor.writeAll(fd, $0) }) {
            failure = WriteError(path: path, errno: err, action: "write")
        }
        if failure == nil {
            do { try output.settle(fd) } catch { failure = error }
        }
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
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw WriteError(path: path, errno: errno, action: "open for writing") }
        defer { close(fd) }
        if let err = bytes.withUnsafeBytes({ FileDescriptor.writeAll(fd, $0) }) {
            throw WriteError(path: path, errno: err, action: "write")
        }
    }
}
