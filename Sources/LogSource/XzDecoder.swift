import CLzma

/// liblzma's .xz decoder, one stream at a time.
final class XzDecoder: DecoderBackend {
    let magic: [UInt8] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]
    var stream = lzma_stream()

    init() { start() }

    deinit { lzma_end(&stream) }

    private func start() {
        stream = lzma_stream()
        let rc = lzma_stream_decoder(&stream, UInt64.max, 0)
        precondition(rc == LZMA_OK, "liblzma could not start (code \(rc))")
    }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (
        consumed: Int, produced: Int, memberDone: Bool
    ) {
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = output.count
        let rc = lzma_code(&stream, LZMA_RUN)
        let consumed = input.count - stream.avail_in
        let produced = output.count - stream.avail_out
        switch rc {
        case LZMA_OK, LZMA_BUF_ERROR: return (consumed, produced, false)
        case LZMA_STREAM_END: return (consumed, produced, true)
        default: throw InflateFailure(code: Int32(rc.rawValue), message: "liblzma error \(rc.rawValue)", produced: produced)
        }
    }

    func reset() {
        lzma_end(&stream)
        start()
    }
}

extension XzDecoder: CompressionFormat {
    static func starts(_ head: UnsafeBufferPointer<UInt8>) -> Bool {
        starts(head, with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
    }
    static let suffixes = [".xz"]
    static var libraries: [(String, String)] { [("liblzma", String(cString: lzma_version_string()))] }
    static func decoder(engine: InflateEngine) -> any DecoderBackend { XzDecoder() }
}
