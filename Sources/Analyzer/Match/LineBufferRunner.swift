import Matcher

/// Runs a filter with `maxlines` > 1: the last lines are matched as one text, so every
/// line counts, in order. Each such filter runs on a lane (a thread) of its own, beside
/// the parallel workers, one file after another.
///
/// Corresponds to fail2ban's `server/filter.py` `processLine` and `findFailure` with a
/// line buffer (`__lineBuffer`, `getUnmatchedTupleLines`); multi-line ids merge through
/// the same ``MultiLineMerger`` as the parallel path.
final class LineBufferRunner {
    let matcher: FilterMatcher
    let detector: DateDetector
    let maxLines: Int
    let scratch: FilterScratch
    let dateScratch: DateScratch
    var lineBuffer: [[UInt8]] = []
    var lastTime: Int?
    var merger: MultiLineMerger
    var candidates = 0
    var limitHits = 0

    init(matcher: FilterMatcher, detector: DateDetector, maxLines: Int, detailed: Bool) {
        self.matcher = matcher
        self.detector = detector
        self.maxLines = max(1, maxLines)
        merger = MultiLineMerger(layout: matcher.fieldLayout, detailed: detailed)
        scratch = matcher.makeScratch()
        dateScratch = detector.makeScratch()
    }

    /// Processes a buffer of whole lines (the next of this file), in order.
    func scan(_ buffer: UnsafeBufferPointer<UInt8>, file: Int) -> ChunkMatches {
        var result = ChunkMatches()
        LineScanner.forEachLine(in: buffer) { line, number in
            if let failure = process(line, file: file, lineNumber: number) { result.failures.append(failure) }
            result.lines = number
        }
        result.counters = merger.counters
        result.counters.candidates = candidates
        result.counters.limitHits = limitHits
        merger.counters = FilterCounters()
        candidates = 0
        limitHits = 0
        return result
    }

    func process(_ line: UnsafeBufferPointer<UInt8>, file: Int, lineNumber: Int) -> Failure? {
        candidates += 1
        var date = detector.detect(line, scratch: dateScratch)
        if let found = date {
            if found.usesLastDate {
                date = lastTime.map { DateDetector.Match(range: found.range, time: $0) }
            } else {
                lastTime = found.time
            }
        }
        var text = [UInt8]()
        if let cut = date?.range {
            text.append(contentsOf: line[..<cut.lowerBound])
            text.append(contentsOf: line[cut.upperBound...])
        } else {
            text.append(contentsOf: line)
        }
        lineBuffer.append(text)
        if lineBuffer.count > maxLines { lineBuffer.removeFirst(lineBuffer.count - maxLines) }
        var subject = [UInt8]()
        for buffered in lineBuffer {
            subject.append(contentsOf: buffered)
            subject.append(10)
        }
        let found: FilterMatcher.FieldsMatch?
        do {
            found = try subject.withUnsafeBufferPointer { text throws(PCRE2Error) in
                try matcher.measuringLine(scratch) { () throws(PCRE2Error) in try matcher.matchFields(subject: text, scratch: scratch) }
            }
        } catch {
            limitHits += 1
            return nil
        }
        guard let found else { return nil }
        // The lines the match covered leave the buffer (fail2ban's getUnmatchedTupleLines).
        var matchedLines = 1
        if let range = found.range {
            let first = subject[..<range.lowerBound].filter { $0 == 10 }.count
            let last = subject[..<max(range.lowerBound, range.upperBound - 1)].filter { $0 == 10 }.count
            let upper = min(last, lineBuffer.count - 1)
            if first <= upper {
                matchedLines = upper - first + 1
                lineBuffer.removeSubrange(first...upper)
            }
        } else {
            lineBuffer = []
        }
        return scratch.fields.withRawBytes { fields in
            let match = MultiLineMatch(
                failregex: found.failregexIndex, fields: 0..<fields.count, time: date?.time ?? lastTime, line: lineNumber,
                matchedLines: matchedLines)
            return merger.resolve(match, fields: fields, file: file)
        }
    }
}
