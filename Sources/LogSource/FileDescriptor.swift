#if canImport(Glibc)
    import Glibc
#endif

/// A file descriptor opened read-only; `read(2)` with EINTR retried in one place. Bytes
/// looked at before reading (the magic bytes) can be given back with ``unread(_:)``, so
/// that pipes, FIFOs and standard input lose nothing.
package final class FileDescriptor {
    package let fd: Int32
    package let path: String
    /// Bytes given back, read again before the descriptor.
    var pushedBack: [UInt8] = []

    /// Opens `path` for reading; `-` is standard input.
    /// - Throws: `ScanError.Code.open` with the errno.
    package init(path: String) throws(ScanError) {
        let fd = path == "-" ? dup(0) : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            throw ScanError(.open, path: path, underlying: err, "cannot open: \(String(cString: strerror(err)))")
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Gives bytes back: the next reads return them first.
    package func unread(_ bytes: UnsafeRawBufferPointer) {
        pushedBack.insert(contentsOf: bytes, at: 0)
    }

    /// `read(2)`, retried on EINTR.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        if !pushedBack.isEmpty, buffer.count > 0 {
            let n = min(buffer.count, pushedBack.count)
            pushedBack.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pushedBack.removeFirst(n)
            return n
        }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let err = errno
            if err == EINTR { continue }
            throw ScanError(.read, path: path, underlying: err, "read failed: \(String(cString: strerror(err)))")
        }
    }

    /// Reads until `buffer` is full or the file ends.
    package func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        var total = 0
        while total < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// The first `limit` bytes of a small file (`/proc/locks`, `/proc/self/status`), or nil
    /// when it cannot be opened or read.
    package static func contents(of path: String, limit: Int = 16 << 20) -> [UInt8]? {
        guard let file = try? FileDescriptor(path: path) else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            guard let n = try? buffer.withUnsafeMutableBytes({ (raw) throws(ScanError) in try file.read(into: raw) }) else { return nil }
            if n == 0 { break }
            bytes += buffer[..<min(n, limit - bytes.count)]
        }
        return bytes
    }

    /// Writes all of `bytes` to `fd`, retrying on EINTR and short writes: the one place
    /// failscan writes to a descriptor.
    /// - Returns: nil when everything was written, else the `errno` of the failing write.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }
}
