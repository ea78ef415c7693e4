/// Cuts a byte source into buffers of whole lines, reusing one buffer and carrying a
/// partial last line over to the next fill.
///
/// A line longer than the buffer is cut at the buffer's size (its rest is skipped up to
/// the next newline) and counted, so one runaway line cannot exhaust memory.
public final class LineChunker {
    let source: any ByteSource
    let buffer: UnsafeMutableRawBufferPointer
    var carried = 0
    var pendingStart = 0
    var atEnd = false
    var skippingLongLine = false
    /// Lines cut because they were longer than the buffer.
    public private(set) var longLines = 0
    /// Uncompressed bytes read so far.
    public private(set) var bytesRead = 0

    /// - Parameter capacity: buffer size; also the longest line kept whole.
    public init(source: any ByteSource, capacity: Int = 1 << 20) {
        self.source = source
        buffer = .allocate(byteCount: max(capacity, 16), alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// The next buffer of whole lines (the final line may lack its `\n`), or nil at the end.
    /// The buffer is valid until the next call.
    public func next() throws(ScanError) -> UnsafeBufferPointer<UInt8>? {
        let bytes = buffer.bindMemory(to: UInt8.self)
        // Move the carried partial line to the front.
        if pendingStart > 0 {
            if carried > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + pendingStart, byteCount: carried) }
            pendingStart = 0
        }
        while true {
            if atEnd {
                guard carried > 0 else { return nil }
                let count = carried
                carried = 0
                return UnsafeBufferPointer(rebasing: bytes[0..<count])
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[carried...]))
            bytesRead += n
            if n == 0 { atEnd = true; continue }
            var start = carried
            let filled = carried + n
            if skippingLongLine {
                guard let newline = bytes[start..<filled].firstIndex(of: 10) else { carried = 0; continue }
                skippingLongLine = false
                let rest = filled - (newline + 1)
                if rest > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + newline + 1, byteCount: rest) }
                carried = rest
                start = 0
                if rest == 0 { continue }
                return try deliver(bytes, filled: rest)
            }
            return try deliver(bytes, filled: filled)
        }
    }

    private func deliver(_ bytes: UnsafeMutableBufferPointer<UInt8>, filled: Int) throws(ScanError) -> UnsafeBufferPointer<UInt8>? {
        var last = filled
        while last > 0, bytes[last - 1] != 10 { last -= 1 }
        if last == 0 {
            if filled < bytes.count {
                // Not full yet: read more before deciding.
                carried = filled
                return try next()
            }
            // One line fills the whole buffer: keep its head, skip its tail.
            longLines += 1
            skippingLongLine = true
            carried = 0
            return UnsafeBufferPointer(rebasing: bytes[0..<filled])
        }
        carried = filled - last
        pendingStart = last
        return UnsafeBufferPointer(rebasing: bytes[0..<last])
    }
}
