import Matcher

/// Runs one filter over buffers of whole lines: prefilter, then date, then the filter's
/// regexes on the line with the date cut out, as fail2ban does.
///
/// Corresponds to fail2ban's `server/filter.py processLine`: the date is found first and
/// removed (`tupleLine = (before, date, after)`), and the regexes see `before + after`
/// followed by `\n`. Each worker owns its runner (scratch buffers are not shared).
/// A filter with `<F-MLFID>` is matched the same way, in parallel; its matches, not
/// failures, go to the assembler, which merges them in order (``MultiLineMerger``).
package final class FilterRunner {
    package let matcher: FilterMatcher
    let scratch: FilterScratch
    var detector: DateDetector
    let dateScratch: DateScratch
    var subject: UnsafeMutablePointer<UInt8>
    var subjectCapacity = 8192
    /// Whether to count lines (for line numbers) and keep `<F-USER>` captures.
    package let detailed: Bool
    /// Whether matches are successful logins, gathered into ``ChunkMatches/logins``.
    let logins: Bool
    /// Whether matches go to the multi-line merge instead of becoming failures here.
    let multiLine: Bool

    /// - Parameter logins: the matches are successful logins (``ScanFilter/gathersLogins``):
    ///   they go to the chunk's ``LoginBook`` with their users, not to its failures.
    package init(matcher: FilterMatcher, detector: DateDetector, detailed: Bool = false, logins: Bool = false) {
        self.matcher = matcher
        self.scratch = matcher.makeScratch()
        self.detector = detector
        self.dateScratch = detector.makeScratch()
        self.multiLine = matcher.usesMultiLineIDs
        self.detailed = detailed || multiLine
        self.logins = logins
        subject = .allocate(capacity: subjectCapacity)
    }

    deinit { subject.deallocate() }

    /// Scans one buffer of whole lines from file number `file`.
    ///
    /// A matched line without a date takes the date of the nearest dated line above it
    /// (fail2ban reuses its last known date); looking it up backwards, rather than
    /// remembering the last candidate's date, keeps results the same with the prefilter
    /// on or off and whatever the chunking.
    /// - Parameter candidates: the candidate lines of `buffer` when a ``JointPrefilter``
    ///   found them for several filters at once; nil: this filter's prefilter finds them.
    package func scan(
        _ buffer: UnsafeBufferPointer<UInt8>, file: Int, detector fileDetector: DateDetector? = nil, candidates: [Range<Int>]? = nil
    ) -> ChunkMatches {
        if let fileDetector { detector = fileDetector }
        // Locals, not properties of this class: reading a struct property of a class in the
        // per-line closure copies it (and retains what it holds) for every line.
        let detector = self.detector, matcher = self.matcher, scratch = self.scratch, dateScratch = self.dateScratch
        let detailed = self.detailed, multiLine = self.multiLine, logins = self.logins, layout = matcher.fieldLayout
        let request: FieldRequest = detailed ? .all : logins ? .user : .none
        var result = ChunkMatches()
        guard let base = buffer.baseAddress else { return result }
        // Room for the matches of an attack log's chunk (its growth copied every match).
        if multiLine {
            result.multiLine.reserveCapacity(buffer.count / 128)
            result.multiLineFields.reserveCapacity(buffer.count)
        }
        var dates = DatesAbove(detector: detector, scratch: dateScratch)
        var counted = 0 // offset up to which lines have been counted
        var lineNumber = 0
        // The candidate lines: given, or from this filter's prefilter; the line's work is one
        // closure literal, non-escaping, for both.
        func eachCandidate(_ body: (Range<Int>) -> Void) {
            if let candidates {
                for range in candidates { body(range) }
            } else {
                LineScanner.forEachCandidateLine(in: buffer, matcher: matcher, body)
            }
        }
        eachCandidate { (range: Range<Int>) in
            result.counters.candidates += 1
            if detailed {
                lineNumber += LineScanner.countLines(in: UnsafeBufferPointer(rebasing: buffer[counted..<range.lowerBound])) + 1
                counted = min(range.upperBound + 1, buffer.count)
            }
            let line = LineScanner.content(of: range, in: base)
            let date = detector.detect(line, scratch: dateScratch)
            let text = makeSubject(
                line: line, cut: date?.range,
                newlineFollows: line.count == range.count && range.upperBound < buffer.count)
            func time() -> Int? {
                (date?.usesLastDate ?? true) ? dates.time(above: range.lowerBound, in: buffer) : date?.time
            }
            if multiLine {
                let found: FilterMatcher.FieldsMatch?
                do {
                    found = try matcher.measuringLine(scratch) { () throws(PCRE2Error) in
                        try matcher.matchFields(subject: text, scratch: scratch)
                    }
                } catch {
                    result.counters.limitHits += 1
                    return
                }
                guard let found else { return }
                let start = result.multiLineFields.count
                scratch.fields.withRawBytes { result.multiLineFields.append(contentsOf: $0) }
                result.multiLine.append(
                    MultiLineMatch(
                        failregex: found.failregexIndex, fields: start..<result.multiLineFields.count, time: time(),
                        line: lineNumber, matchedLines: 1, mlfidHash: scratch.fields.withBytes(layout.mlfid) { $0.map(FNV1a.hash) }))
                return
            }
            let capture: FailureCapture?
            do {
                capture = try matcher.measuringLine(scratch) { () throws(PCRE2Error) in
                    try matcher.match(subject: text, scratch: scratch, fields: request)
                }
            } catch {
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
            } else if capture.idKind == .dns || capture.idKind == .host {
                id = .host(String(decoding: capture.id, as: UTF8.self))
            } else {
                id = .other(String(decoding: capture.id, as: UTF8.self))
            }
            let found = time()
            result.counters.matched += 1
            if logins {
                if let values = capture.values {
                    values.withBytes(layout.user) { result.logins.add(id, time: found, user: $0) }
                } else {
                    result.logins.add(id, time: found, user: capture.user)
                }
                return
            }
            if found == nil { result.pendingTime.append(result.failures.count) }
            result.failures.append(
                Failure(
                    id: id, time: found ?? 0, file: file, line: detailed ? lineNumber : 0,
                    failregex: capture.failregexIndex, fields: detailed ? capture.fields(layout) : nil))
        }
        if detailed { result.lines = lineNumber + LineScanner.countLines(in: UnsafeBufferPointer(rebasing: buffer[counted...])) }
        result.lastTime = dates.time(above: buffer.count, in: buffer)
        return result
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

/// The date of the nearest dated line above a point of a buffer, for undated matched
/// lines. Asked at increasing points, it remembers what it found: each line is read at
/// most once per buffer, however many undated lines match (no quadratic cost).
struct DatesAbove {
    let detector: DateDetector
    let scratch: DateScratch
    /// Lines before this offset have been looked at; `known` is the date found there.
    var searchedTo = 0
    var known: Int? = nil

    /// The date of the nearest dated line that ends before `lineStart` (a line start or
    /// the buffer's end); `lineStart` never decreases between calls.
    mutating func time(above lineStart: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var found: Int? = nil
        let none = detector.none
        LineScanner.forEachLineBackward(in: buffer, before: lineStart, notBefore: searchedTo) { line in
            if line.isEmpty && !none { return true } // no date in an empty line
            if let date = detector.detect(line, scratch: scratch), !date.usesLastDate {
                found = date.time
                return false
            }
            return true
        }
        if let found { known = found }
        searchedTo = max(searchedTo, lineStart)
        return known
    }
}
