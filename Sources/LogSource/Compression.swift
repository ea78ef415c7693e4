#if canImport(Glibc)
    import Glibc
#endif

/// The compression formats failscan recognises by their magic bytes, never by name.
package enum Compression: String, Sendable, CaseIterable {
    case none, gzip, zstd, xz, bzip2
    /// Recognised but not read: failscan says so instead of reading them as text.
    case lz4, lzma, compress

    /// What failscan knows of a format it reads (nil: not read).
    var format: (any CompressionFormat.Type)? {
        switch self {
        case .gzip: GzipFormat.self
        case .zstd: ZstdDecoder.self
        case .xz: XzDecoder.self
        case .bzip2: Bzip2Decoder.self
        case .none, .lz4, .lzma, .compress: nil
        }
    }

    /// The formats failscan reads, in the order `--version` names their libraries.
    static var readable: [any CompressionFormat.Type] { allCases.compactMap(\.format) }

    /// The suffixes of compressed rotated files (`.gz`, `.zst`, ...).
    package static var suffixes: [String] { readable.flatMap { $0.suffixes } }

    /// How to read a file of an unsupported format anyway.
    var hint: String {
        switch self {
        case .lz4: return "lz4 -dc FILE | failscan ... -"
        case .lzma: return "xz -dc FILE | failscan ... -"
        default: return "gzip -dc FILE | failscan ... -"
        }
    }

    /// Identifies the format from the first bytes of a file.
    package static func detect(_ head: UnsafeRawBufferPointer) -> Compression {
        let b = head.bindMemory(to: UInt8.self)
        for compression in allCases { if let format = compression.format, format.starts(b) { return compression } }
        if b.count >= 4, b[0] == 0x04, b[1] == 0x22, b[2] == 0x4d, b[3] == 0x18 { return .lz4 }
        if b.count >= 4, b[0] == 0x02, b[1] == 0x21, b[2] == 0x4c, b[3] == 0x18 { return .lz4 } // legacy frames
        if b.count >= 3, b[0] == 0x5d, b[1] == 0x00, b[2] == 0x00 { return .lzma } // lzma_alone, default properties
        if b.count >= 2, b[0] == 0x1f, b[1] == 0x9d { return .compress }
        return .none
    }
}
