#if canImport(Glibc)
    import Glibc
#endif

/// Something that fills buffers with a log's (decompressed) bytes.
package protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means end of input.
    /// - Throws: `ScanError` when the input cannot be read any further.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int
    /// Problems met that did not stop reading (trailing garbage, and the like).
    var warnings: [ScanError] { get }
    /// Bytes of the input as stored consumed so far (a compressed file's compressed bytes).
    var storedBytesRead: Int { get }
}
