#if canImport(Glibc)
    import Glibc
#endif

/// The compression formats failscan recognises by their magic bytes, never by name.
public enum Compression: String, Sendable {
    case none, gzip, bzip2, xz, zstd
    /// Recognised but not read: failscan says so instead of reading them as text.
    case lz4, lzma, compress

    /// How to read a file of an unsupported format anyway.
    var hint: String {
        switch self {
        case .lz4: return "lz4 -dc FILE | failscan ... -"
        case .lzma: return "xz -dc FILE | failscan ... -"
        default: return "gzip -dc FILE | failscan ... -"
        }
    }

    /// Identifies the format from the first bytes of a file.
    public static func detect(_ head: UnsafeRawBufferPointer) -> Compression {
        let b = head.bindMemory(to: UInt8.self)
        if b.count >= 2, b[0] == 0x1f, b[1] == 0x8b { return .gzip }
        if b.count >= 3, b[0] == 0x42, b[1] == 0x5a, b[2] == 0x68 { return .bzip2 }
        if b.count >= 6, b[0] == 0xfd, b[1] == 0x37, b[2] == 0x7a, b[3] == 0x58, b[4] == 0x5a, b[5] == 0x00 { return .xz }
        if b.count >= 4, b[0] == 0x28, b[1] == 0xb5, b[2] == 0x2f, b[3] == 0xfd { return .zstd }
        // A zstd skippable frame (pzstd writes one first): 0x184D2A50...5F, little-endian.
        if b.count >= 4, b[0] & 0xf0 == 0x50, b[1] == 0x2a, b[2] == 0x4d, b[3] == 0x18 { return .zstd }
        if b.count >= 4, b[0] == 0x04, b[1] == 0x22, b[2] == 0x4d, b[3] == 0x18 { return .lz4 }
        if b.count >= 4, b[0] == 0x02, b[1] == 0x21, b[2] == 0x4c, b[3] == 0x18 { return .lz4 } // legacy frames
        if b.count >= 3, b[0] == 0x5d, b[1] == 0x00, b[2] == 0x00 { return .lzma } // lzma_alone, default properties
        if b.count >= 2, b[0] == 0x1f, b[1] == 0x9d { return .compress }
        return .none
    }
}
