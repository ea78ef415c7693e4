import CZlib

/// Inflates a gzip file, all of its members: `cat a.gz b.gz > c.gz` reads as both, as
/// `gzip -dc` does. Data after the last member that is not gzip is reported, not read.
///
/// A member cut short (an unfinished copy or a crash during rotation) keeps what was
/// inflated and reports `truncated gzip member at byte N`.
public final class GzipReader: ByteSource {
    let file: FileDescriptor
    var stream = z_stream()
    let input: UnsafeMutableRawBufferPointer
    var inputStart = 0
    var inputEnd = 0
    var consumedBefore = 0
    var finished = false
    var memberOpen = true
    public private(set) var warnings: [ScanError] = []

    /// Prepares to inflate `file`.
    /// - Throws: `ScanError` when zlib cannot be initialised.
    public init(_ file: FileDescriptor, inputSize: Int = 256 * 1024) throws(ScanError) {
        self.file = file
        input = .allocate(byteCount: inputSize, alignment: 16)
        let rc = czlib_inflate_init2(&stream, 15 + 16)
        guard rc == Z_OK else {
            input.deallocate()
            throw ScanError(.gzipData, path: file.path, underlying: rc, "zlib could not start (code \(rc))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func refill() throws(ScanError) {
        if inputStart < inputEnd { return }
        consumedBefore += inputEnd
        inputStart = 0
        inputEnd = try file.read(into: input)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        var produced = 0
        while produced < buffer.count {
            try refill()
            if inputEnd == 0 {
                // End of file.
                finished = true
                if memberOpen {
                    warnings.append(ScanError(.gzipTruncated, path: file.path,
                                              "truncated gzip member at byte \(consumedBefore)"))
                }
                return produced
            }
            if !memberOpen {
                // Between members: another member must start with the gzip magic.
                let available = inputEnd - inputStart
                let bytes = input.bindMemory(to: UInt8.self)
                if available >= 1, bytes[inputStart] != 0x1f || (available >= 2 && bytes[inputStart + 1] != 0x8b) {
                    finished = true
                    warnings.append(ScanError(.gzipTrailingGarbage, path: file.path,
                                              "trailing data after the last gzip member at byte \(consumedBefore + inputStart) ignored"))
                    return produced
                }
                inflateReset(&stream)
                memberOpen = true
            }
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputStart
            stream.avail_in = UInt32(inputEnd - inputStart)
            stream.next_out = (buffer.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(buffer.count - produced)
            let rc = inflate(&stream, Z_NO_FLUSH)
            let usedIn = (inputEnd - inputStart) - Int(stream.avail_in)
            let madeOut = (buffer.count - produced) - Int(stream.avail_out)
            inputStart += usedIn
            produced += madeOut
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberOpen = false
            default:
                finished = true
                let message = stream.msg.map { String(cString: $0) } ?? "code \(rc)"
                warnings.append(ScanError(.gzipData, path: file.path, underlying: rc,
                                          "corrupt gzip data at byte \(consumedBefore + inputStart): \(message)"))
                return produced
            }
        }
        return produced
    }
}
