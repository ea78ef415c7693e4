import CBzip2
import CISAL
import CLzma
import CZlib
import CZstd

/// A raw decoder for one member (gzip member, bzip2 or xz stream, zstd frame) at a time:
/// the small interface behind which ISA-L and zlib (gzip), libzstd, liblzma and libbz2
/// sit. ``DecompressingReader`` does the buffering, member boundaries and error reporting.
public protocol DecoderBackend: AnyObject {
    /// The bytes every member starts with, checked between members.
    var magic: [UInt8] { get }
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

    func make() -> any DecoderBackend {
        switch self {
        case .isal: return ISALInflater()
        case .zlib: return ZlibInflater()
        }
    }
}

/// ISA-L's inflate in gzip mode (header, data, CRC and size checked per member).
final class ISALInflater: DecoderBackend {
    let magic: [UInt8] = [0x1f, 0x8b]
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
final class ZlibInflater: DecoderBackend {
    let magic: [UInt8] = [0x1f, 0x8b]
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

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (consumed: Int, produced: Int, memberDone: Bool) {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let rc = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
        if ZSTD_isError(rc) != 0 {
            throw InflateFailure(code: Int32(truncatingIfNeeded: 0 &- Int(truncatingIfNeeded: rc)), message: String(cString: ZSTD_getErrorName(rc)))
        }
        return (inBuffer.pos, outBuffer.pos, rc == 0)
    }

    func reset() { ZSTD_initDStream(context) }
}

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

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (consumed: Int, produced: Int, memberDone: Bool) {
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
        default: throw InflateFailure(code: Int32(rc.rawValue), message: "liblzma error \(rc.rawValue)")
        }
    }

    func reset() {
        lzma_end(&stream)
        start()
    }
}

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

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (consumed: Int, produced: Int, memberDone: Bool) {
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
        default: throw InflateFailure(code: rc, message: "libbz2 error \(rc)")
        }
    }

    func reset() {
        BZ2_bzDecompressEnd(&stream)
        start()
    }
}
