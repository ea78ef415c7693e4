import LogSource

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file so that readers see the old content or the whole new content, never a
/// half-written one: a file without a name beside the target (`O_TMPFILE`: nothing is left
/// of it if the process is killed, SIGKILL included), `fsync`, then linked and renamed into
/// place; where the file system has no unnamed files, a temporary file registered for
/// removal on a signal before it exists. Only
/// regular files are replaced: a device, a FIFO or `/dev/stdout` is written in place, a
/// directory refused. Links are followed as ``OutputPath`` decides (never one another user
/// planted); a replaced file keeps its mode and owner, a new one gets the umask's mode.
package enum AtomicFile {
    /// Replaces `path` with `bytes` atomically.
    /// - Throws: `WriteError` naming the file and the failing step; the target is untouched then.
    package static func write(_ bytes: [UInt8], to target: String) throws(WriteError) {
        let writer = try Writer(target)
        try writer.write(bytes)
        try writer.commit()
    }

    /// An output written piece by piece (a tune grid's JSON, a batch of settings at a
    /// time) with the same guarantees: into a temporary file beside the target, renamed
    /// into place by ``commit()``, removed if the writer is dropped before. A device or FIFO
    /// is written as it is.
    package final class Writer {
        let output: OutputPath
        let fd: Int32
        /// The named temporary file, if one is written.
        let temporary: String?
        /// Whether the file written has no name yet (``OutputPath/makeUnnamed()``).
        let unnamed: Bool
        var committed = false

        /// Starts writing `target`.
        /// - Throws: `WriteError` for a directory, a link not followed, a file that cannot be created.
        package init(_ target: String) throws(WriteError) {
            output = try OutputPath.resolve(target)
            if output.isDirectory { throw WriteError(path: target, errno: EISDIR, action: "write") }
            if output.exists && !output.isRegularFile {
                fd = open(output.path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                guard fd >= 0 else { throw WriteError(path: output.path, errno: errno, action: "open for writing") }
                temporary = nil
                unnamed = false
                return
            }
            if let fd = output.makeUnnamed() {
                self.fd = fd
                temporary = nil
                unnamed = true
                return
            }
            let made = try output.makeTemporary()
            fd = made.fd
            temporary = made.path
            unnamed = false
        }

        deinit {
            guard !committed else { return }
            close(fd)
            if let temporary {
                unlink(temporary)
                TemporaryFiles.done()
            }
        }

        /// Appends `bytes`.
        package func write(_ bytes: [UInt8]) throws(WriteError) {
            if let err = bytes.withUnsafeBytes({ FileDescriptor.writeAll(fd, $0) }) {
                throw WriteError(path: output.path, errno: err, action: "write")
            }
        }

        /// Gives the file its mode and owner, syncs it and renames it into place.
        /// - Throws: `WriteError`; the target is untouched then.
        package func commit() throws(WriteError) {
            committed = true
            if unnamed {
                defer { close(fd) }
                try output.settle(fd)
                guard fsync(fd) == 0 else { throw WriteError(path: output.path, errno: errno, action: "fsync") }
                return try output.link(fd)
            }
            guard let temporary else {
                close(fd)
                return
            }
            defer { TemporaryFiles.done() }
            var failure: WriteError? = nil
            do { try output.settle(fd) } catch { failure = error }
            if failure == nil, fsync(fd) != 0 { failure = WriteError(path: output.path, errno: errno, action: "fsync") }
            close(fd)
            if failure == nil, rename(temporary, output.path) != 0 {
                failure = WriteError(path: output.path, errno: errno, action: "rename into place")
            }
            if let failure {
                unlink(temporary)
                throw failure
            }
        }
    }
}
