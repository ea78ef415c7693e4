#if canImport(Glibc)
    import Glibc
#endif

/// Decompresses a gzip, zstd, xz or bzip2 file, all of its members: `cat a.gz b.gz > c.gz`
/// reads as both, as `gzip -dc` does. Data after the last member that is not another
/// member is reported, not read.
///
/// A member cut short (an unfinished copy, a crash during rotation) keeps what was
/// decoded and reports `truncated gzip member at byte N`; corrupt data stops the file
/// with the byte offset.
package final class DecompressingReader: ByteSource {
    let file: FileDescriptor
    let backend: any DecoderBackend
    let format: Compression
    /// The compressed input, read (not mapped: a file truncated while mapped would kill
    /// the process with SIGBUS; reading reports it instead, and pipes work too).
    let buffer: UnsafeMutableRawBufferPointer
    var input: UnsafeRawBufferPointer
    var inputStart = 0
    var inputEnd = 0
    var consumedBefore = 0
    var finished = false
    var memberOpen = true
    package private(set) var warnings: [ScanError] = []

    /// Prepares to decode `file`, whose format is `format`; gzip uses `engine`.
    package init(_ file: FileDescriptor, format: Compression, engine: InflateEngine = .isal, inputSize: Int = 1 << 20) {
        self.file = file
        self.format = format
        // LogFile.open reads only formats failscan decodes; gzip stands in for the others.
        backend = (format.format ?? GzipFormat.self).decoder(engine: engine)
        buffer = .allocate(byteCount: inputSize, alignment: 64)
        input = UnsafeRawBufferPointer(buffer)
    }

    deinit { buffer.deallocate() }

    /// Compressed bytes consumed so far.
    package var storedBytesRead: Int { consumedBefore + inputStart }

    func refill() throws(ScanError) {
        if inputStart < inputEnd { return }
        consumedBefore += inputEnd
        inputStart = 0
        inputEnd = try file.readFully(into: buffer)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        var produced = 0
        var idle = 0
        while produced < buffer.count {
            try refill()
            if inputEnd == 0 {
                finished = true
                if memberOpen {
                    warnings.append(
                        ScanError(
                            .truncated, path: file.path,
                            "truncated \(format.rawValue) member at byte \(consumedBefore)"))
                }
                return produced
            }
            if !memberOpen {
                let bytes = input.bindMemory(to: UInt8.self)
                // xz streams may be followed by stream padding (null bytes).
                if format == .xz {
                    while inputStart < inputEnd, bytes[inputStart] == 0 { inputStart += 1 }
                    if inputStart == inputEnd { continue }
                }
                // Between members: another member must start with the format's magic (or,
                // for zstd, be a skippable frame, which the decoder steps over).
                let available = min(inputEnd - inputStart, backend.magic.count)
                let skippable =
                    format == .zstd && available == 4 && bytes[inputStart] & 0xf0 == 0x50
                    && bytes[(inputStart + 1)..<(inputStart + 4)].elementsEqual([0x2a, 0x4d, 0x18])
                if !skippable, !bytes[inputStart..<(inputStart + available)].elementsEqual(backend.magic.prefix(available)) {
                    finished = true
                    warnings.append(
                        ScanError(
                            .trailingGarbage, path: file.path,
                            "trailing data after the last \(format.rawValue) member at byte \(consumedBefore + inputStart) ignored"))
                    return produced
                }
                backend.reset()
                memberOpen = true
            }
            let result: (consumed: Int, produced: Int, memberDone: Bool)
            do {
                result = try backend.inflate(
                    UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[produced...]))
            } catch {
                finished = true
                produced += error.produced // what inflated before the error was found is kept
                warnings.append(
                    ScanError(
                        .corrupt, path: file.path, underlying: error.code,
                        "corrupt \(format.rawValue) data at byte \(consumedBefore + inputStart): \(error.message)"))
                return produced
            }
            inputStart += result.consumed
            produced += result.produced
            if result.memberDone { memberOpen = false }
            // A backend that neither consumes nor produces with input and room left is stuck.
            if result.consumed == 0 && result.produced == 0 && !result.memberDone {
                idle += 1
                if idle > 2 {
                    finished = true
                    warnings.append(
                        ScanError(
                            .corrupt, path: file.path, "\(format.rawValue) data makes no progress at byte \(consumedBefore + inputStart)"))
                    return produced
                }
            } else {
                idle = 0
            }
        }
        return produced
    }
}
