/// One worker's state for a ``FilterMatcher``.
public final class FilterScratch {
    let pcre: PCRE2Scratch
    var content: UnsafeMutablePointer<UInt8>
    var contentCapacity: Int
    /// Lines given up on because a regex hit a PCRE2 resource limit.
    public var limitHits = 0
    /// Per-regex counts and times, when the filter is profiled.
    var profile: RegexProfile?
    // A scratch is one thread's: its buffers are changed one access at a time, without
    // runtime exclusivity checks (one a line for the prefregex's groups, two a match for
    // the fields, 1.5% of the instructions of a report over an sshd attack log).
    /// The prefregex's named groups in the line, until a failregex matches.
    @exclusivity(unchecked) var prefRanges: [Range<Int>?]
    /// The fields of the last match of ``FilterMatcher/matchFields(subject:scratch:)``,
    /// until the next: one buffer refilled match after match.
    @exclusivity(unchecked) public internal(set) var fields = FieldValues(count: 0)

    init(captureCount: Int, prefSlots: Int = 0) {
        pcre = PCRE2Scratch(captureCount: captureCount)
        prefRanges = Array(repeating: nil, count: prefSlots)
        contentCapacity = 4096
        content = .allocate(capacity: contentCapacity)
    }
    deinit {
        content.deallocate()
        unicode.deallocate()
    }

    var unicodeBytes: [UInt8] = []
    var unicode: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1024)
    var unicodeCapacity = 1024

    /// `line` as fail2ban decodes it (invalid UTF-8 replaced by U+FFFD), in a reused buffer
    /// valid until the next call; `replaced`: whether it differs from `line`.
    func unicodeLine(_ line: UnsafeBufferPointer<UInt8>) -> (line: UnsafeBufferPointer<UInt8>, replaced: Bool) {
        // Valid UTF-8, the common case, is matched where it is.
        if UnicodeText.isValidUTF8(line) { return (line, false) }
        unicodeBytes.removeAll(keepingCapacity: true)
        let replaced = UnicodeText.repair(line, into: &unicodeBytes)
        if unicodeBytes.count > unicodeCapacity {
            unicode.deallocate()
            unicodeCapacity = max(unicodeBytes.count, 2 * unicodeCapacity)
            unicode = .allocate(capacity: unicodeCapacity)
        }
        unicodeBytes.withUnsafeBufferPointer { if let source = $0.baseAddress { unicode.update(from: source, count: $0.count) } }
        return (UnsafeBufferPointer(start: unicode, count: unicodeBytes.count), replaced)
    }

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
