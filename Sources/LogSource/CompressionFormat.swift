/// What failscan knows of one compression format it reads, declared in its decoder's file:
/// how its files start, the suffixes of its rotated files, the libraries that decode it
/// (for `--version`) and the decoder. A new format is that file and one case of
/// ``Compression`` (whose ``Compression/format`` names it).
protocol CompressionFormat {
    /// Whether a file that starts with `head` is in this format (its magic bytes).
    static func starts(_ head: UnsafeBufferPointer<UInt8>) -> Bool
    /// The suffixes of rotated files in this format (`.gz`).
    static var suffixes: [String] { get }
    /// `(library, version)` of each library that decodes it, as linked.
    static var libraries: [(String, String)] { get }
    /// A decoder (`engine` chooses among gzip's inflaters).
    static func decoder(engine: InflateEngine) -> any DecoderBackend
}

extension CompressionFormat {
    /// Whether `head` starts with `magic`.
    static func starts(_ head: UnsafeBufferPointer<UInt8>, with magic: [UInt8]) -> Bool {
        head.count >= magic.count && head.prefix(magic.count).elementsEqual(magic)
    }
}
