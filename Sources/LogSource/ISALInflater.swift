import CISAL

/// ISA-L's inflate in gzip mode (header, data, CRC and size checked per member).
final class ISALInflater: DecoderBackend {
    let magic: [UInt8] = [0x1f, 0x8b]
    let state: UnsafeMutablePointer<inflate_state>

    init() {
        guard let state = cisal_inflate_new() else { fatalError("ISA-L: out of memory") }
        self.state = state
    }

    deinit { cisal_inflate_free(state) }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (
        consumed: Int, produced: Int, memberDone: Bool
    ) {
        var consumed: UInt32 = 0, produced: UInt32 = 0
        var done: Int32 = 0
        let rc = cisal_inflate(
            state, input.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(input.count),
            output.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(output.count),
            &consumed, &produced, &done)
        if rc < 0 {
            let message: String
            switch rc {
            case ISAL_INVALID_BLOCK: message = "invalid deflate block"
            case ISAL_INVALID_SYMBOL: message = "invalid deflate symbol"
            case ISAL_INVALID_LOOKBACK: message = "invalid lookback distance"
            case ISAL_INVALID_WRAPPER: message = "invalid gzip header"
            case ISAL_UNSUPPORTED_METHOD: message = "unsupported compression method"
            case ISAL_INCORRECT_CHECKSUM: message = "incorrect CRC"
            default: message = "ISA-L error \(rc)"
            }
            throw InflateFailure(code: rc, message: message, produced: Int(produced))
        }
        return (Int(consumed), Int(produced), done != 0)
    }

    func reset() { cisal_inflate_reset(state) }
}
