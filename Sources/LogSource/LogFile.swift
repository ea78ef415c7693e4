#if canImport(Glibc)
    import Glibc
#endif

/// Opens a log file as a byte source, choosing the decompressor from its magic bytes.
package enum LogFile {
    /// Opens `path`.
    /// - Throws: `ScanError` when the file cannot be opened or its format is not supported.
    package static func open(_ path: String, engine: InflateEngine = .isal) throws(ScanError) -> (any ByteSource, Compression) {
        let file = try FileDescriptor(path: path)
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { head.deallocate() }
        let n = try file.readFully(into: head)
        // Given back rather than sought over: pipes and FIFOs cannot seek.
        file.unread(UnsafeRawBufferPointer(rebasing: head[0..<n]))
        let compression = Compression.detect(UnsafeRawBufferPointer(rebasing: head[0..<n]))
        if compression == .none { return (PlainFileSource(file), .none) }
        guard compression.format == nil else { return (DecompressingReader(file, format: compression, engine: engine), compression) }
        throw ScanError(
            .unsupportedCompression, path: path,
            "\(compression.rawValue) compression is not supported, the file is not read (\(compression.hint))")
    }
}
