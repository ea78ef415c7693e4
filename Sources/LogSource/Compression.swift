#if canImport(Glibc)
    import Glibc
#endif

/// The compression formats failscan recognises by their magic bytes, never by name.
public enum Compression: String, Sendable {
    case none, gzip, bzip2, xz, zstd

    /// Identifies the format from the first bytes of a file.
    public static func detect(_ head: UnsafeRawBufferPointer) -> Compression {
        let b = head.bindMemory(to: UInt8.self)
        if b.count >= 2, b[0] == 0x1f, b[1] == 0x8b { return .gzip }
        if b.count >= 3, b[0] == 0x42, b[1] == 0x5a, b[2] == 0x68 { return .bzip2 }
        if b.count >= 6, b[0] == 0xfd, b[1] == 0x37, b[2] == 0x7a, b[3] == 0x58, b[4] == 0x5a, b[5] == 0x00 { return .xz }
        if b.count >= 4, b[0] == 0x28, b[1] == 0xb5, b[2] == 0x2f, b[3] == 0xfd { return .zstd }
        return .none
    }
}
