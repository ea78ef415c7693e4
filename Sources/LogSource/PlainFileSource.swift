#if canImport(Glibc)
    import Glibc
#endif

/// A plain (uncompressed) file.
package final class PlainFileSource: ByteSource {
    let file: FileDescriptor
    package var warnings: [ScanError] { [] }
    package private(set) var storedBytesRead = 0
    package init(_ file: FileDescriptor) { self.file = file }
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        let n = try file.readFully(into: buffer)
        storedBytesRead += n
        return n
    }
}
