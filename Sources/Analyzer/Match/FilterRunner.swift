import Matcher

/// What one chunk of whole lines gave. Chunks are matched independently (on any
/// thread); what depends on earlier chunks (line numbers, the date of an undated line at
/// the top of a chunk) is settled when the chunks are put back in order.
public struct ChunkMatches: Sendable {
    /// Failures in line order; `line` is relative to the chunk (1-based) when counted.
    public var failures: [Failure] = []
    /// Indices into `failures` of undated failures with no dated line above them in
    /// this chunk: they take the date carried from the chunks before.
    public var pendingTime: [Int] = []
    /// The date of the chunk's last dated line, if any.
    public var lastTime: Int?
    /// Lines in the chunk (counted only in detailed mode).
    public var lines = 0
    public var counters = FilterRunner.Counters()
}

/// Runs one filter over buffers of whole lines: prefilter, then date, then the filter's
/// regexes on the line with the date cut out, as fail2ban does.
///
/// Corresponds to fail2ban's `server/filter.py processLine`: the date is found first and
/// removed (`tupleLine = (before, date, after)`), and the regexes see `before + after`
/// followed by `\n`. Each worker owns its runner (scratch buffers are not shared).
public final class FilterRunner {
    public let matcher: FilterMatcher
    let scratch: FilterScratch
    var detector: DateDetector
    let dateScratch: PCRE2Scratch
    var subject: UnsafeMutablePointer<UInt8>
    var subjectCapacity = 8192
    /// Whether to count lines (for line numbers) and keep `<F-USER>` captures.
    public let detailed: Bool

    /// Counters for the statistics line.
    public struct Counters: Sendable {
        public var candidates = 0
        public var matched = 0
        public var noDate = 0
        public var invalidID = 0
        public var limitHits = 0

        public mutating func add(_ other: Counters) {
            candidates += other.candidates
            matched += other.matched
            noDate += other.noDate
            invalidID += other.invalidID
            limitHits += other.limitHits
        }
    }

    public init(matcher: FilterMatcher, detector: DateDetector, detailed: Bool = false) {
        self.matcher = matcher
        self.scratch = matcher.makeScratch()
        self.detector = detector
        self.dateScratch = detector.makeScratch()
        self.detailed = detailed
        subject = .allocate(capacity: subjectCapacity)
    }

    deinit { subject.deallocate() }

    /// Scans one buffer of whole lines from file number `file`.
    ///
    /// A matched line without a date takes the date of the nearest dated line above it
    /// (fail2ban reuses its last known date); looking it up backwards, rather than
    /// remembering the last candidate's date, keeps results the same with the prefilter
    /// on or off and whatever the chunking.
    public func scan(_ buffer: UnsafeBufferPointer<UInt8>, file: Int, detector fileDetector: DateDetector? = nil) -> ChunkMatches {
        if let fileDetector { detector = fileDetector }
        var result = ChunkMatches()
        guard let base = buffer.baseAddress else { return result }
        var counted = 0 // offset up to which lines have been counted
        var lineNumber = 0
        LineScanner.forEachCandidateLine(in: buffer, matcher: matcher) { (range: Range<Int>) in
            result.counters.candidates += 1
            if detailed {
                lineNumber += LineScanner.countLines(in: UnsafeBufferPointer(rebasing: buffer[counted..<range.lowerBound])) + 1
                counted = min(range.upperBound + 1, buffer.count)
            }
            var end = range.upperBound
            if end > range.lowerBound, base[end - 1] == 13 { end -= 1 } // fail2ban strips \r\n
            let line = UnsafeBufferPointer(start: base + range.lowerBound, count: end - range.lowerBound)
            let date = detector.detect(line, scratch: dateScratch)
            let text = makeSubject(line: line, cut: date?.range,
                                   newlineFollows: end == range.upperBound && range.upperBound < buffer.count)
            let capture: FailureCapture?
            do { capture = try matcher.match(subject: text, scratch: scratch, withFields: detailed) } catch {
                result.counters.limitHits += 1
                return
            }
            guard let capture else { return }
            let id: FailureID
            if let address = IPAddress(bytes: capture.id) {
                id = .address(address)
            } else if capture.idKind == .ip4 || capture.idKind == .ip6 || capture.id.isEmpty {
                result.counters.invalidID += 1
                return
            } else {
                id = .other(String(decoding: capture.id, as: UTF8.self))
            }
            let time = (date?.usesLastDate ?? true) ? timeAbove(range.lowerBound, in: buffer) : date?.time
            if time == nil { result.pendingTime.append(result.failures.count) }
            result.counters.matched += 1
            result.failures.append(Failure(id: id, time: time ?? 0, file: file, line: detailed ? lineNumber : 0,
                                           failregex: capture.failregexIndex,
                                           fields: capture.fields))
        }
        if detailed { result.lines = lineNumber + LineScanner.countLines(in: UnsafeBufferPointer(rebasing: buffer[counted...])) }
        result.lastTime = timeAbove(buffer.count, in: buffer)
        return result
    }

    /// The date of the nearest dated line that ends before `lineStart` (a line start,
    /// or the buffer's end) in this buffer.
    func timeAbove(_ lineStart: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        var end = lineStart
        while end > 0 {
            var lineEnd = end
            if base[lineEnd - 1] == 10 { lineEnd -= 1 }
            var start = lineEnd
            while start > 0, base[start - 1] != 10 { start -= 1 }
            var stop = lineEnd
            if stop > start, base[stop - 1] == 13 { stop -= 1 }
            if let date = detector.detect(UnsafeBufferPointer(start: base + start, count: stop - start), scratch: dateScratch),
               !date.usesLastDate { return date.time }
            end = start
        }
        return nil
    }

    /// The bytes fail2ban's regexes see: the line without the date, then `\n`. Points
    /// into the buffer when that is already contiguous, else into a reused scratch buffer.
    @inline(__always)
    func makeSubject(line: UnsafeBufferPointer<UInt8>, cut: Range<Int>?, newlineFollows: Bool) -> UnsafeBufferPointer<UInt8> {
        let base = line.baseAddress!
        let prefix = cut?.lowerBound ?? 0
        let skip = cut?.upperBound ?? 0
        if prefix == 0, newlineFollows {
            return UnsafeBufferPointer(start: base + skip, count: line.count - skip + 1)
        }
        let total = prefix + (line.count - skip) + 1
        if total > subjectCapacity {
            subject.deallocate()
            subjectCapacity = max(total, subjectCapacity * 2)
            subject = .allocate(capacity: subjectCapacity)
        }
        subject.update(from: base, count: prefix)
        (subject + prefix).update(from: base + skip, count: line.count - skip)
        subject[total - 1] = 10
        return UnsafeBufferPointer(start: subject, count: total)
    }
}
