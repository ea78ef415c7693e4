#if canImport(Glibc)
    import Glibc
#endif

/// Opens a log file as a byte source, choosing the decompressor from its magic bytes.
public enum LogFile {
    /// Opens `path`.
    /// - Throws: `ScanError` when the file cannot be opened or its format is not supported.
    public static func open(_ path: String, engine: InflateEngine = .isal) throws(ScanError) -> (any ByteSource, Compression) {
        let file = try FileDescriptor(path: path)
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { head.deallocate() }
        let n = try file.readFully(into: head)
        _ = lseekStart(file.fd)
        let compression = Compression.detect(UnsafeRawBufferPointer(rebasing: head[0..<n]))
        switch compression {
        case .none: return (PlainFileSource(file), .none)
        case .gzip, .zstd, .xz, .bzip2:
            return (DecompressingReader(file, format: compression, engine: engine), compression)
        }
    }
}

@inline(__always)
func lseekStart(_ fd: Int32) -> Int { Int(lseek(fd, 0, SEEK_SET)) }
