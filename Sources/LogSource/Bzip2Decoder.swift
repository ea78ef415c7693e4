import CBzip2

/// libbz2's decoder, one stream at a time (pbzip2 writes several).
final class Bzip2Decoder: DecoderBackend {
    let magic: [UInt8] = [0x42, 0x5a, 0x68]
    var stream = bz_stream()

    init() { start() }

    deinit { BZ2_bzDecompressEnd(&stream) }

    private func start() {
        stream = bz_stream()
        let rc = BZ2_bzDecompressInit(&stream, 0, 0)
        precondition(rc == BZ_OK, "libbz2 could not start (code \(rc))")
    }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (
        consumed: Int, produced: Int, memberDone: Bool
    ) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: CChar.self)
        stream.avail_out = UInt32(output.count)
        let rc = BZ2_bzDecompress(&stream)
        let consumed = input.count - Int(stream.avail_in)
        let produced = output.count - Int(stream.avail_out)
        switch rc {
        case BZ_OK: return (consumed, produced, false)
        case BZ_STREAM_END: return (consumed, produced, true)
        default: throw InflateFailure(code: rc, message: "libbz2 error \(rc)", produced: produced)
        }
    }

    func reset() {
        BZ2_bzDecompressEnd(&stream)
        start()
    }
}

extension Bzip2Decoder: CompressionFormat {
    static func starts(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        starts(head, with: [0x42, 0x5a, 0x68])
    }
    static let suffixes = [".bz2"]
    static var libraries: [(String, String)] { [("bzip2", String(String(cString: BZ2_bzlibVersion()).prefix { $0 != "," }))] }
    static func decoder(engine: InflateEngine) -> any DecoderBackend { Bzip2Decoder() }
}
