import CZstd

/// libzstd's streaming decoder; concatenated frames are read one after another.
final class ZstdDecoder: DecoderBackend {
    let magic: [UInt8] = [0x28, 0xb5, 0x2f, 0xfd]
    let context: OpaquePointer

    init() {
        guard let context = ZSTD_createDStream() else { fatalError("zstd: out of memory") }
        self.context = context
        ZSTD_initDStream(context)
    }

    deinit { ZSTD_freeDStream(context) }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (
        consumed: Int, produced: Int, memberDone: Bool
    ) {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let rc = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
        if ZSTD_isError(rc) != 0 {
            throw InflateFailure(
                code: Int32(truncatingIfNeeded: 0 &- Int(truncatingIfNeeded: rc)), message: String(cString: ZSTD_getErrorName(rc)),
                produced: outBuffer.pos)
        }
        return (inBuffer.pos, outBuffer.pos, rc == 0)
    }

    func reset() { ZSTD_initDStream(context) }
}

extension ZstdDecoder: CompressionFormat {
    static func starts(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        // A zstd frame, or a skippable frame (pzstd writes one first): 0x184D2A50...5F, little-endian.
        if starts(head, with: [0x28, 0xb5, 0x2f, 0xfd]) { return true }
        return head.count >= 4 && head[0] & 0xf0 == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18
    }
    static let suffixes = [".zst", ".zstd"]
    static var libraries: [(String, String)] { [("zstd", String(cString: ZSTD_versionString()))] }
    static func decoder(engine: InflateEngine) -> any DecoderBackend { ZstdDecoder() }
}
