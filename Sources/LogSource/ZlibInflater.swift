import CZlib

/// zlib's inflate in gzip mode.
final class ZlibInflater: DecoderBackend {
    let magic: [UInt8] = [0x1f, 0x8b]
    var stream = z_stream()

    init() {
        let rc = czlib_inflate_init2(&stream, 15 + 16)
        precondition(rc == Z_OK, "zlib could not start (code \(rc))")
    }

    deinit { inflateEnd(&stream) }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (
        consumed: Int, produced: Int, memberDone: Bool
    ) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(output.count)
        let rc = CZlib.inflate(&stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.avail_in)
        let produced = output.count - Int(stream.avail_out)
        switch rc {
        case Z_OK, Z_BUF_ERROR: return (consumed, produced, false)
        case Z_STREAM_END: return (consumed, produced, true)
        default:
            throw InflateFailure(code: rc, message: stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)", produced: produced)
        }
    }

    func reset() { inflateReset(&stream) }
}
