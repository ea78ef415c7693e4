/// Cuts a byte source into buffers of whole lines. The caller provides each buffer (so
/// buffers can be handed to other threads); the chunker keeps the partial last line and
/// puts it at the front of the next buffer.
///
/// A line longer than the buffer is cut at the buffer's size (its rest is skipped up to
/// the next newline) and counted, so one runaway line cannot exhaust memory.
package final class LineChunker {
    let source: any ByteSource
    let carry: UnsafeMutableRawBufferPointer
    var carried = 0
    var atEnd = false
    var skippingLongLine = false
    /// Lines cut because they were longer than the buffer.
    package private(set) var longLines = 0
    /// Uncompressed bytes read so far.
    package private(set) var bytesRead = 0
    /// The size of the buffers this chunker fills.
    package let capacity: Int
    /// Whether a last line without `\n` is kept. By default it is not: it may be a line
    /// still being written (`... from 198.51.100.4` of `198.51.100.45`), and fail2ban (its
    /// server and fail2ban-regex) waits for its end too.
    package var keepsUnterminatedLine = false
    /// Bytes of a last line without `\n` that were left out.
    package private(set) var unterminatedBytes = 0
    /// The input's first line with its `\n`, gathered as it is read (up to 16 MiB, the
    /// longest fail2ban's database hashes); complete once ``firstLineEnded``.
    private(set) var firstLine: [UInt8] = []
    /// Whether the first line's `\n` was read.
    private(set) var firstLineEnded = false
    /// Whether no more of the first line is gathered (its `\n` came, or it is too long).
    var firstLineDone = false

    /// - Parameter capacity: the size of every buffer passed to ``fill(_:)``; also the
    ///   longest line kept whole.
    package init(source: any ByteSource, capacity: Int = 1 << 20) {
        self.source = source
        self.capacity = max(capacity, 16)
        carry = .allocate(byteCount: self.capacity, alignment: 64)
    }

    deinit { carry.deallocate() }

    /// Fills `buffer` (of ``capacity`` bytes) with whole lines.
    /// - Returns: how many bytes of `buffer` hold whole lines (the final line of the
    ///   input may lack its `\n`), or nil at the end of the input.
    package func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int? {
        precondition(buffer.count >= capacity, "LineChunker buffers must hold \(capacity) bytes")
        let bytes = buffer.bindMemory(to: UInt8.self)
        var filled = carried
        if carried > 0 { buffer.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carried) }
        carried = 0
        while !atEnd, filled < capacity {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<capacity]))
            bytesRead += n
            if !firstLineDone { gatherFirstLine(UnsafeRawBufferPointer(rebasing: buffer[filled..<(filled + n)])) }
            if n == 0 {
                atEnd = true
                break
            }
            if skippingLongLine {
                // Drop the rest of a cut line, up to and including its newline.
                guard let newline = bytes[filled..<(filled + n)].firstIndex(of: 10) else { continue }
                skippingLongLine = false
                let rest = filled + n - (newline + 1)
                if rest > 0 { (buffer.baseAddress! + filled).copyMemory(from: buffer.baseAddress! + newline + 1, byteCount: rest) }
                filled += rest
                continue
            }
            filled += n
        }
        if filled == 0 { return nil }
        if atEnd {
            guard !keepsUnterminatedLine, bytes[filled - 1] != 10 else { return filled }
            var last = filled
            while last > 0, bytes[last - 1] != 10 { last -= 1 }
            unterminatedBytes = filled - last
            return last > 0 ? last : nil
        }
        var last = filled
        while last > 0, bytes[last - 1] != 10 { last -= 1 }
        if last == 0 {
            // One line fills the whole buffer: keep its head, skip its tail.
            longLines += 1
            skippingLongLine = true
            return filled
        }
        carried = filled - last
        if carried > 0 { carry.baseAddress!.copyMemory(from: buffer.baseAddress! + last, byteCount: carried) }
        return last
    }

    /// Adds the bytes just read to the first line, up to its `\n`.
    private func gatherFirstLine(_ bytes: UnsafeRawBufferPointer) {
        if let newline = bytes.firstIndex(of: 10) {
            firstLine += bytes[...newline]
            firstLineEnded = true
            firstLineDone = true
        } else {
            firstLine += bytes
            if firstLine.count >= 16 << 20 || bytes.isEmpty { firstLineDone = true }
        }
    }
}
