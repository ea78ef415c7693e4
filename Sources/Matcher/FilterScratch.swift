/// One worker's state for a ``FilterMatcher``.
public final class FilterScratch {
    let pcre: PCRE2Scratch
    var content: UnsafeMutablePointer<UInt8>
    var contentCapacity: Int
    /// Lines given up on because a regex hit a PCRE2 resource limit.
    public var limitHits = 0
    /// The prefregex's named groups in the line, until a failregex matches.
    var prefRanges: [Range<Int>?]

    init(captureCount: Int, prefSlots: Int = 0) {
        pcre = PCRE2Scratch(captureCount: captureCount)
        prefRanges = Array(repeating: nil, count: prefSlots)
        contentCapacity = 4096
        content = .allocate(capacity: contentCapacity)
    }
    deinit { content.deallocate() }

    /// Copies `bytes` plus a trailing `\n` into the reusable content buffer.
    func copyLine(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if bytes.count + 1 > contentCapacity {
            content.deallocate()
            contentCapacity = max(bytes.count + 1, contentCapacity * 2)
            content = .allocate(capacity: contentCapacity)
        }
        if let source = bytes.baseAddress { content.update(from: source, count: bytes.count) }
        content[bytes.count] = 10
        return UnsafeBufferPointer(start: content, count: bytes.count + 1)
    }
}
