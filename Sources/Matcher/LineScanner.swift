import CMemSearch

#if canImport(Glibc)
    import Glibc
#endif

/// The per-buffer loop: ask the matcher for the next candidate, find that line's
/// bounds, hand it on. Line boundaries are searched only around candidates, so a
/// selective prefilter touches most of the buffer only through `memmem`.
public enum LineScanner {
    /// Calls `body` with the byte range (without the `\n`) of every line in `buffer` that
    /// the matcher's candidate hook selects, in order.
    ///
    /// `buffer` must hold whole lines; a final line without `\n` counts as a line.
    @inline(__always)
    public static func forEachCandidateLine<M: LineMatcher, E: Error>(
        in buffer: UnsafeBufferPointer<UInt8>, matcher: M,
        _ body: (Range<Int>) throws(E) -> Void
    ) throws(E) {
        guard let base = buffer.baseAddress else { return }
        var cursor = Prefilter.Cursor()
        var position = 0
        let count = buffer.count
        while position < count, let candidate = matcher.candidateLine(in: buffer, from: position, cursor: &cursor) {
            let line = line(around: candidate.offset, notBefore: position, in: base, count: count)
            try body(line)
            position = line.upperBound + 1
        }
    }

    /// The line (without its `\n`) holding offset `hit` of `base[0..<count]`: its start
    /// searched back no further than `position` (a line start, or any offset before the
    /// hit's line), 16 bytes a step, its end with memchr.
    @inline(__always)
    public static func line(around hit: Int, notBefore position: Int, in base: UnsafePointer<UInt8>, count: Int) -> Range<Int> {
        let newline = cmemsearch_last_newline(base + position, hit - position)
        let start = newline < 0 ? position : position + newline + 1
        guard let next = memchr(base + hit, 10, count - hit) else { return start..<count }
        return start..<(UnsafeRawPointer(next) - UnsafeRawPointer(base))
    }

    /// Calls `body` with every line of `buffer` in order: its content without `\n` and
    /// without a final `\r` (fail2ban strips `\r\n`), and its 1-based number.
    @inline(__always)
    public static func forEachLine<E: Error>(
        in buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int) throws(E) -> Void
    ) throws(E) {
        guard let base = buffer.baseAddress else { return }
        var start = 0
        var number = 0
        while start < buffer.count {
            var end = buffer.count
            if let newline = memchr(base + start, 10, buffer.count - start) {
                end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
            }
            number += 1
            try body(content(of: start..<end, in: base), number)
            start = end + 1
        }
    }

    /// The line `range` (without its `\n`) less a final `\r`, as fail2ban reads it.
    @inline(__always)
    public static func content(of range: Range<Int>, in base: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var end = range.upperBound
        if end > range.lowerBound, base[end - 1] == 13 { end -= 1 }
        return UnsafeBufferPointer(start: base + range.lowerBound, count: end - range.lowerBound)
    }

    /// Calls `body` with the lines that end before `end` (a line start or the buffer's
    /// end) and start at or after `start` (a line start), nearest first, each as
    /// ``content(of:in:)`` gives it, until `body` says stop.
    public static func forEachLineBackward(
        in buffer: UnsafeBufferPointer<UInt8>, before end: Int, notBefore start: Int = 0, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        guard let base = buffer.baseAddress else { return }
        var end = end
        while end > start {
            var lineEnd = end
            if base[lineEnd - 1] == 10 { lineEnd -= 1 }
            var lineStart = lineEnd
            while lineStart > start, base[lineStart - 1] != 10 { lineStart -= 1 }
            if !body(content(of: lineStart..<lineEnd, in: base)) { return }
            end = lineStart
        }
    }

    /// Counts the lines of `buffer` (a final line without `\n` counts).
    public static func countLines(in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        return cmemsearch_count_newlines(base, buffer.count) + (buffer[buffer.count - 1] == 10 ? 0 : 1)
    }
}
