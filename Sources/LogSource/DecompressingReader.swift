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
public final class DecompressingReader: ByteSource {
    let file: FileDescriptor
    let backend: any DecoderBackend
    let format: Compression
    /// The read buffer, used when the file cannot be mapped.
    let buffer: UnsafeMutableRawBufferPointer
    /// The compressed file mapped into memory (no copy into a read buffer), if possible.
    var mapping: UnsafeMutableRawPointer?
    var mappingSize = 0
    var mappedOffset = 0
    /// The current window of compressed input: the read buffer or a slice of the mapping.
    var input: UnsafeRawBufferPointer
    var inputStart = 0
    var inputEnd = 0
    var consumedBefore = 0
    var finished = false
    var memberOpen = true
    public private(set) var warnings: [ScanError] = []

    /// Prepares to decode `file`, whose format is `format`; gzip uses `engine`.
    public init(_ file: FileDescriptor, format: Compression, engine: InflateEngine = .isal, inputSize: Int = 256 * 1024) {
        self.file = file
        self.format = format
        switch format {
        case .zstd: backend = ZstdDecoder()
        case .xz: backend = XzDecoder()
        case .bzip2: backend = Bzip2Decoder()
        case .gzip, .none: backend = engine.make()
        }
        buffer = .allocate(byteCount: inputSize, alignment: 64)
        input = UnsafeRawBufferPointer(buffer)
        // Mapping the compressed file spares the kernel's copy into a read buffer (11% of
        // the cycles of a two-file gzip scan, measured with perf). Compressed logs are
        // rotated files, not written any more; a file truncated while mapped would fault.
        var info = stat()
        if fstat(file.fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
            let mapped = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, file.fd, 0), mapped != MAP_FAILED
        {
            madvise(mapped, Int(info.st_size), MADV_SEQUENTIAL)
            mapping = mapped
            mappingSize = Int(info.st_size)
        }
    }

    deinit {
        buffer.deallocate()
        if let mapping { munmap(mapping, mappingSize) }
    }

    func refill() throws(ScanError) {
        if inputStart < inputEnd { return }
        consumedBefore += inputEnd
        inputStart = 0
        if let mapping {
            // Windows of 8 MiB. The pages of the window just consumed are dropped, so that
            // the resident size does not grow with the compressed file's size.
            if inputEnd > 0 { madvise(mapping + (mappedOffset - inputEnd), inputEnd, MADV_DONTNEED) }
            let size = min(8 << 20, mappingSize - mappedOffset)
            input = UnsafeRawBufferPointer(start: mapping + mappedOffset, count: size)
            mappedOffset += size
            inputEnd = size
        } else {
            inputEnd = try file.read(into: buffer)
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
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
                // Between members: another member must start with the format's magic.
                let bytes = input.bindMemory(to: UInt8.self)
                let available = min(inputEnd - inputStart, backend.magic.count)
                if !bytes[inputStart..<(inputStart + available)].elementsEqual(backend.magic.prefix(available)) {
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
