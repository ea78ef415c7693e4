import CISAL
import CZlib

/// A raw inflater for one gzip member at a time: the small interface behind which
/// ISA-L (fast) and zlib (fallback) sit. ``GzipReader`` does the buffering, member
/// boundaries and error reporting.
public protocol InflateBackend: AnyObject {
    /// Inflates from `input` into `output`.
    /// - Returns: bytes consumed, bytes produced, and whether the member (with its
    ///   trailer) is complete.
    /// - Throws: a description of the corruption.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (consumed: Int, produced: Int, memberDone: Bool)
    /// Prepares for the next member.
    func reset()
}

/// Corrupt compressed data, as the library reports it.
public struct InflateFailure: Error, Sendable {
    public let code: Int32
    public let message: String
}

/// Which inflater to use.
public enum InflateEngine: String, Sendable, CaseIterable {
    /// Intel ISA-L's igzip (libisal), about 2-3x zlib on this kind of machine.
    case isal
    /// zlib, the fallback.
    case zlib

    func make() -> any InflateBackend {
        switch self {
        case .isal: return ISALInflater()
        case .zlib: return ZlibInflater()
        }
    }
}

/// ISA-L's inflate in gzip mode (header, data, CRC and size checked per member).
final class ISALInflater: InflateBackend {
    let state: UnsafeMutablePointer<inflate_state>

    init() {
        guard let state = cisal_inflate_new() else { fatalError("ISA-L: out of memory") }
        self.state = state
    }

    deinit { cisal_inflate_free(state) }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (consumed: Int, produced: Int, memberDone: Bool) {
        var consumed: UInt32 = 0, produced: UInt32 = 0
        var done: Int32 = 0
        let rc = cisal_inflate(state, input.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(input.count),
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
            throw InflateFailure(code: rc, message: message)
        }
        return (Int(consumed), Int(produced), done != 0)
    }

    func reset() { cisal_inflate_reset(state) }
}

/// zlib's inflate in gzip mode.
final class ZlibInflater: InflateBackend {
    var stream = z_stream()

    init() {
        let rc = czlib_inflate_init2(&stream, 15 + 16)
        precondition(rc == Z_OK, "zlib could not start (code \(rc))")
    }

    deinit { inflateEnd(&stream) }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (consumed: Int, produced: Int, memberDone: Bool) {
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
            throw InflateFailure(code: rc, message: stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)")
        }
    }

    func reset() { inflateReset(&stream) }
}
