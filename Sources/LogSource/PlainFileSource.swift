#if canImport(Glibc)
    import Glibc
#endif

/// A plain (uncompressed) file.
public final class PlainFileSource: ByteSource {
    let file: FileDescriptor
    public var warnings: [ScanError] { [] }
    public init(_ file: FileDescriptor) { self.file = file }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        try file.readFully(into: buffer)
    }
}
