import Fail2banConfig
import Foundation
import LogSource
import Matcher

/// Replays fail2ban-regex over logs, line by line and in order, and counts what it counts
/// (``RegexReport``); optionally hands on each line's failures (`-o`).
///
/// Corresponds to fail2ban's `client/fail2banregex.py` `Fail2banRegex.testRegex` and
/// `process` over `server/filter.py` `processLine` and `findFailure` with its
/// `checkAllRegex` (every failregex is tried on every line and each match counted; the
/// server stops at the first). Multi-line ids merge through the server's
/// ``MultiLineMerger``. Every regex runs on every line (no prefilter): the counts are of
/// what each regex matched, not only of failures.
package final class RegexReporter {
    /// Which lines to keep for printing.
    package enum Keep: Sendable, Equatable {
        case none
        /// The first `n` (fail2ban-regex keeps `maxlines + 1` and prints them when fewer
        /// than `maxlines`).
        case first(Int)
        case all
    }

    package struct Options: Sendable {
        /// fail2ban-regex's `checkAllRegex` (`--no-check-all` clears it; `-o` too).
        package var checkAll = true
        /// `-o`: lines whose failure has no id yet are left out (fail2ban-regex's
        /// `ignorePending`).
        package var ignorePending = false
        package var keepMatched: Keep = .none
        package var keepIgnored: Keep = .first(21)
        package var keepMissed: Keep = .first(21)
        /// Host names `<HOST>` matched count as fail2ban counts them: looked up
        /// (`yes`, `warn`), kept as they are (`raw`) or dropped (`no`).
        package var useDNS: UseDNS = .warn
        /// fail2ban-regex's `-v`: every failure listed under its failregex, the prefregex's
        /// groups on the first `groupLines` lines it matched.
        package var verbose = false
        package var groupLines = 20
        package init() {}

        /// fail2ban-regex's options: `failuresOnly` (its `-o`: every failregex stops at the
        /// first, pending ids left out), `checkAll` (not `--no-check-all`), the lines to
        /// print: maxlines + 1 of each kind are kept (`limit`, its -L, else 20), all of them
        /// or none when so asked.
        package init(
            failuresOnly: Bool, checkAll: Bool, limit: Int, printAll: (matched: Bool, missed: Bool, ignored: Bool),
            printNone: (missed: Bool, ignored: Bool), useDNS: UseDNS, verbose: Bool = false
        ) {
            self.checkAll = checkAll && !failuresOnly
            ignorePending = failuresOnly
            keepMatched = printAll.matched ? .all : .none
            keepMissed = printNone.missed ? .none : printAll.missed ? .all : .first(limit + 1)
            keepIgnored = printNone.ignored ? .none : printAll.ignored ? .all : .first(limit + 1)
            self.useDNS = useDNS
            self.verbose = verbose
            groupLines = limit
        }
    }

    /// One failure of a line, for `-o`.
    package struct Found: Sendable {
        /// 0-based.
        package var failregex: Int
        /// The failure id (address, host or `<F-ID>`).
        package var id: String
        /// The address when the id is not one (`<F-ID>` with `<HOST>`), else the id.
        package var ip: String
        package var time: Int?
        /// The microseconds of the time (journal entries have them; fail2ban adds them to
        /// its float time).
        package var microseconds = 0
        package var fields: [String: String]
        /// The line, as read.
        package var line: String
        /// The lines of the failure (fail2ban's `matches`: with `<F-MLFID>`, the
        /// connection's lines merged; with `maxlines` > 1, the buffer's lines it took).
        package var lines: [String]
    }

    // The state below (`var`) is read and changed only by the thread that applies lines in
    // order (workers get the static functions and their own slots), one access at a time:
    // its runtime exclusivity checks are off. They were about ten a line, 63M of 873M
    // instructions of a report of 8 MB of sshd's attack log (callgrind).
    let matcher: FilterMatcher
    let options: Options
    let scratch: FilterScratch
    @exclusivity(unchecked) var detector: DateDetector
    /// The filter's detector with its templates JIT-compiled; ``detector`` is it as set
    /// for the input being read.
    let baseDetector: DateDetector
    let dateScratch: DateScratch
    @exclusivity(unchecked) var merger: MultiLineMerger
    let layout: FieldLayout
    let resolver = HostResolver()
    let maxLines: Int
    @exclusivity(unchecked) package private(set) var report: RegexReport
    /// The line buffer of `maxlines` > 1: each line's serial and its text without the date.
    @exclusivity(unchecked) var buffer: [(serial: Int, text: [UInt8], line: String)] = []
    @exclusivity(unchecked) var serial = 0
    @exclusivity(unchecked) var lastTime: Int?
    /// The microseconds of `lastTime`, and of the time of the line being applied.
    @exclusivity(unchecked) var lastMicroseconds = 0
    @exclusivity(unchecked) var microseconds = 0
    @exclusivity(unchecked) var prefregexMatched = false
    /// When the report began (fail2ban's `MyTime.time()`, read per line there).
    let startedAt = Int(Foundation.time(nil))
    @exclusivity(unchecked) var lastTemplate: (template: Int, start: Int)?
    @exclusivity(unchecked) var subject: [UInt8] = []
    /// The failregex matches of the line being fed (emptied for each).
    @exclusivity(unchecked) var list = MatchList()
    /// The failregex matches of the buffer of `maxlines` > 1 (emptied for each line).
    @exclusivity(unchecked) var bufferList = MatchList()
    /// The state of the match being applied, its buffers recycled.
    @exclusivity(unchecked) var recycled = MultiLineMerger.FailState(fields: FieldValues(count: 0))

    package init(filter: CompiledFilter, options: Options = Options()) {
        matcher = filter.matcher
        self.options = options
        scratch = matcher.makeScratch()
        // The report runs the date templates on every line (it counts their hits).
        baseDetector = filter.detector.jitCompiled
        detector = baseDetector
        dateScratch = detector.makeScratch()
        layout = matcher.fieldLayout
        merger = MultiLineMerger(layout: layout, detailed: false)
        maxLines = max(1, filter.maxLines)
        let patterns = filter.config.patterns
        report = RegexReport(
            failregexes: patterns.failregex.count, ignoreregexes: patterns.ignoreregex.count,
            prefregex: matcher.hasPrefregex,
            templateNames: detector.templateNames)
    }

    /// Reads `inputs` in order (plain or compressed files, `/dev/stdin` for standard input,
    /// or bytes) and feeds every line; `found` gets each line's failures when it has any and
    /// is not ignored (fail2ban-regex's `-o`).
    package func run(
        _ inputs: [LogInput], scanOptions: ScanOptions, found: (([Found]) -> Void)? = nil
    ) {
        for input in inputs {
            detector = Scan.detectors([ScanFilter(matcher: matcher, detector: baseDetector)], for: input, options: scanOptions)[0]
            do {
                // fail2ban-regex reads complete lines only (FileContainer.readline).
                let reader = try input.open(
                    capacity: scanOptions.chunkSize, engine: scanOptions.inflate, keepsUnterminatedLine: scanOptions.countsUnterminatedLine)
                if scanOptions.threads > 1 && maxLines == 1 {
                    try runParallel(reader, threads: scanOptions.threads, chunkSize: scanOptions.chunkSize, found: found)
                } else {
                    // Held here: read from the property, it was copied for every line.
                    let detector = detector
                    try reader.forEachChunk { bytes in
                        var candidates = Self.candidates(bytes, matcher)
                        LineScanner.forEachLine(in: bytes) { raw, _ in
                            let offset = Self.offset(of: raw, in: bytes)
                            feed(raw, detector, candidate: candidates.contains(offset), found: found, inChunk: bytes, at: offset)
                        }
                        return true
                    }
                }
                report.bytes += reader.bytesRead
                if reader.unterminatedBytes > 0 { report.unterminated.append((input.name, reader.unterminatedBytes)) }
                report.filesRead += 1
                report.warnings += reader.warnings
            } catch {
                report.warnings.append(error)
            }
        }
    }

    /// The start offsets of the lines of `bytes` the prefilter lets through (nil: no
    /// prefilter, every line). Lines it rules out run no failregex: none can match them.
    static func candidates(_ bytes: UnsafeBufferPointer<UInt8>, _ matcher: FilterMatcher) -> Candidates {
        guard matcher.prefilter != nil else { return Candidates(starts: nil) }
        var found: [Int] = []
        LineScanner.forEachCandidateLine(in: bytes, matcher: matcher) { found.append($0.lowerBound) }
        return Candidates(starts: found)
    }

    /// The start offsets of a chunk's candidate lines, in order, asked about lines in order
    /// (a cursor, not a hash per line).
    struct Candidates {
        /// nil: every line is a candidate.
        let starts: [Int]?
        var next = 0

        init(starts: [Int]?) { self.starts = starts }

        /// Whether the line starting at `offset` is a candidate; offsets never decrease.
        mutating func contains(_ offset: Int) -> Bool {
            guard let starts else { return true }
            while next < starts.count && starts[next] < offset { next += 1 }
            return next < starts.count && starts[next] == offset
        }
    }

    static func offset(of line: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let start = line.baseAddress, let base = bytes.baseAddress else { return 0 }
        return start - base
    }

    /// One-line filters on several threads: a batch of chunks is read, its lines analysed
    /// in parallel (dates, every regex), then applied in order on this thread (template
    /// hits, carried dates, the merge of multi-line ids, verdicts). A chunk is analysed as
    /// if no date template had been used before it; when its first dated line would take
    /// another template after the chunk before (fail2ban tries the last one first), the
    /// rest of that chunk is done again in order, so the report never depends on threads.
    func runParallel(_ chunker: any LineSource, threads: Int, chunkSize: Int, found: (([Found]) -> Void)?) throws(ScanError) {
        let batch = 2 * threads
        // Three sets of buffers: while this thread applies one batch, the workers analyse
        // the next two (with one, each batch ended on a barrier where whichever side was
        // done first waited for the other).
        let depth = 3
        let matcher = self.matcher, detector = self.detector
        let sets = (0..<depth).map { _ in AnalysisSlots(batch, chunkSize: chunkSize, matcher: matcher, detector: detector) }
        var inFlight: [(slots: AnalysisSlots, counts: [Int], done: DispatchGroup)] = []
        var nextSet = 0
        var exhausted = false
        // Reads the next batch into the next set and has it analysed.
        func launch() throws(ScanError) {
            guard !exhausted else { return }
            let slots = sets[nextSet]
            nextSet = (nextSet + 1) % depth
            var counts: [Int] = []
            while counts.count < batch, let count = try chunker.fill(slots.storages[counts.count]) { counts.append(count) }
            if counts.count < batch { exhausted = true }
            guard !counts.isEmpty else { return }
            let done = DispatchGroup()
            DispatchQueue.global().async(group: done) { [counts] in Self.analyzeBatch(slots, counts, matcher: matcher, detector: detector) }
            inFlight.append((slots, counts, done))
        }
        do {
            for _ in 1..<depth { try launch() }
            while !inFlight.isEmpty {
                let (slots, counts, done) = inFlight.removeFirst()
                try launch()
                done.wait()
                applyBatch(slots, counts, found: found)
            }
        } catch {
            // No analysis outlives the read that failed.
            for pending in inFlight { pending.done.wait() }
            throw error
        }
    }

    typealias Analysed = (offset: Int, count: Int, analysis: LineAnalysis)

    /// A batch's buffers, each with its worker's scratch and the analysis it produces.
    final class AnalysisSlots: @unchecked Sendable {
        // SAFETY: concurrent iteration i touches only slot i; the thread that applies the
        // results reads them after the analysis has joined (DispatchGroup.wait).
        let storages: [UnsafeMutableRawBufferPointer]
        let scratches: [FilterScratch]
        let dateScratches: [DateScratch]
        let chunks: [ChunkAnalysis]
        init(_ count: Int, chunkSize: Int, matcher: FilterMatcher, detector: DateDetector) {
            storages = (0..<count).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64) }
            scratches = (0..<count).map { _ in matcher.makeScratch() }
            dateScratches = (0..<count).map { _ in detector.makeScratch() }
            chunks = (0..<count).map { _ in ChunkAnalysis() }
        }
        deinit { for storage in storages { storage.deallocate() } }

        func bytes(_ i: Int, _ count: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: storages[i].baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
        }
    }

    /// One chunk's analysis: each line's, and the failregex matches they name. Kept with
    /// its capacity from batch to batch.
    final class ChunkAnalysis {
        var lines: [Analysed] = []
        var list = MatchList()
    }

    /// Every line of the batch's chunks analysed, chunks in parallel.
    static func analyzeBatch(_ slots: AnalysisSlots, _ counts: [Int], matcher: FilterMatcher, detector: DateDetector) {
        DispatchQueue.concurrentPerform(iterations: counts.count) { i in
            let bytes = slots.bytes(i, counts[i])
            var candidates = Self.candidates(bytes, matcher)
            var last: (template: Int, start: Int)? = nil
            var subject: [UInt8] = []
            let chunk = slots.chunks[i]
            var analysed: [Analysed] = []
            var list = MatchList()
            swap(&analysed, &chunk.lines)
            swap(&list, &chunk.list)
            analysed.removeAll(keepingCapacity: true)
            list.removeAll()
            analysed.reserveCapacity(counts[i] / 64)
            LineScanner.forEachLine(in: bytes) { raw, _ in
                guard let line = Self.tested(raw) else { return }
                let offset = Self.offset(of: line, in: bytes)
                let analysis = Self.analyze(
                    line, candidate: candidates.contains(offset), matcher: matcher, detector: detector, scratch: slots.scratches[i],
                    dateScratch: slots.dateScratches[i], last: &last, subject: &subject, list: &list, oneLine: true,
                    newlineFollows: Self.newlineFollows(line, offset: offset, in: bytes))
                analysed.append((offset, line.count, analysis))
            }
            swap(&analysed, &chunk.lines)
            swap(&list, &chunk.list)
        }
    }

    /// Whether `line` (at `offset` of `bytes`) is followed by `\n` there: its subject (the
    /// text after a date at its start, then `\n`) is then read in place, not copied.
    @inline(__always)
    static func newlineFollows(_ line: UnsafeBufferPointer<UInt8>, offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        offset + line.count < bytes.count && bytes[offset + line.count] == 10
    }

    /// The batch's analyses applied in order on this thread.
    func applyBatch(_ slots: AnalysisSlots, _ counts: [Int], found: (([Found]) -> Void)?) {
        for i in 0..<counts.count {
            let base = slots.storages[i].baseAddress!.assumingMemoryBound(to: UInt8.self)
            var verified = lastTemplate == nil
            // Taken out of the slot, each analysis moved out for its line: an entry copied
            // per line retained and released its arrays (a fifth of the in-order work).
            let chunk = slots.chunks[i]
            var entries: [Analysed] = []
            swap(&entries, &chunk.lines)
            defer { swap(&entries, &chunk.lines) }
            // Held in a `let` (read from the slot or captured as a `var` below, its four
            // arrays were retained and released for every line's apply); gone before the
            // slot's next analysis empties it in place.
            let list = chunk.list
            entries.withUnsafeMutableBufferPointer { entries in
                for k in entries.indices {
                    let line = UnsafeBufferPointer(start: base + entries[k].offset, count: entries[k].count)
                    if !verified {
                        let again = detector.detectTemplate(line, scratch: dateScratch, last: lastTemplate)
                        if entries[k].analysis.template >= 0, let again, again.template == entries[k].analysis.template,
                            again.start == entries[k].analysis.start
                        {
                            verified = true
                        } else if entries[k].analysis.template >= 0 || again != nil {
                            // Another template here: this line and the rest again, in order.
                            for rest in entries[k...] {
                                feed(UnsafeBufferPointer(start: base + rest.offset, count: rest.count), found: found)
                            }
                            return
                        }
                    }
                    var analysis = LineAnalysis()
                    swap(&analysis, &entries[k].analysis)
                    apply(analysis, list, line: line, found: found)
                }
            }
        }
    }

    static func keep(_ keep: Keep, _ count: Int) -> Bool {
        switch keep {
        case .none: false
        case .first(let n): count <= n
        case .all: true
        }
    }

    /// What one line gives before the state of earlier lines is applied: its date (by the
    /// template fail2ban would take after the line before, `last`) and, for one-line
    /// filters, every regex's result. Touches nothing shared: lines are analysed on any
    /// thread, then applied in order.
    struct LineAnalysis {
        var template = -1
        var start = 0
        var cut = 0..<0
        /// The line's date, nil without one or with an empty one (the last date is used).
        var time: Int?
        var microseconds = 0
        /// nil with `maxlines` > 1 (the buffer is matched when the line is applied). Its
        /// failregex matches are in the chunk's (or the fed line's) ``MatchList``.
        var matches: LineMatches?
        var limitHit = false
    }

    /// fail2ban-regex's `rstrip('\r\n')`; nil for a line it does not test (empty, or a
    /// `#` comment).
    static func tested(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var count = raw.count
        while count > 0, raw[count - 1] == 13 || raw[count - 1] == 10 { count -= 1 }
        guard count > 0, raw[0] != UInt8(ascii: "#") else { return nil }
        return UnsafeBufferPointer(rebasing: raw[..<count])
    }

    /// Analyses one tested line (see ``LineAnalysis``).
    static func analyze(
        _ line: UnsafeBufferPointer<UInt8>, candidate: Bool, matcher: FilterMatcher, detector: DateDetector, scratch: FilterScratch,
        dateScratch: DateScratch, last: inout (template: Int, start: Int)?, subject: inout [UInt8], list: inout MatchList,
        oneLine: Bool, newlineFollows: Bool = false
    ) -> LineAnalysis {
        var analysis = LineAnalysis()
        if let (template, date, start) = detector.detectTemplate(line, scratch: dateScratch, last: last) {
            analysis.template = template
            analysis.start = start
            last = (template, start)
            if !date.usesLastDate { (analysis.time, analysis.microseconds) = (date.time, date.microseconds) }
            analysis.cut = date.range
        }
        guard oneLine else { return analysis }
        do {
            if analysis.cut.lowerBound == 0 && newlineFollows {
                // The text after the date and its `\n` are in place.
                let text = UnsafeBufferPointer(
                    start: line.baseAddress! + analysis.cut.upperBound, count: line.count - analysis.cut.upperBound + 1)
                analysis.matches = try matcher.matchAll(subject: text, scratch: scratch, into: &list, failregexes: candidate)
            } else {
                fillSubject(&subject, line: line, cut: analysis.cut)
                analysis.matches = try subject.withUnsafeBufferPointer {
                    try matcher.matchAll(subject: $0, scratch: scratch, into: &list, failregexes: candidate)
                }
            }
        } catch {
            analysis.limitHit = true
        }
        return analysis
    }

    /// What fail2ban's regexes see of a one-line filter's line: the line without its date
    /// (`cut`), then `\n`, in `subject`.
    static func fillSubject(_ subject: inout [UInt8], line: UnsafeBufferPointer<UInt8>, cut: Range<Int>) {
        subject.removeAll(keepingCapacity: true)
        subject += line[..<cut.lowerBound]
        subject += line[cut.upperBound...]
        subject.append(10)
    }

    /// One line as read (without `\n`; a final `\r` already gone).
    /// - Parameter candidate: false when the prefilter rules the line out.
    /// - Parameters:
    ///   - inChunk: the chunk the line is in, at offset `at` (its subject is then read in
    ///     place when it can be).
    package func feed(
        _ raw: UnsafeBufferPointer<UInt8>, candidate: Bool = true, found: (([Found]) -> Void)? = nil,
        inChunk chunk: UnsafeBufferPointer<UInt8>? = nil, at offset: Int = 0
    ) {
        feed(raw, detector, candidate: candidate, found: found, inChunk: chunk, at: offset)
    }

    /// ``feed(_:candidate:found:inChunk:at:)`` with the input's detector.
    func feed(
        _ raw: UnsafeBufferPointer<UInt8>, _ detector: borrowing DateDetector, candidate: Bool, found: (([Found]) -> Void)?,
        inChunk chunk: UnsafeBufferPointer<UInt8>?, at offset: Int
    ) {
        guard let line = Self.tested(raw) else { return }
        var last = lastTemplate
        // The list is taken out of its property for the line: read from it, it was
        // retained (its four arrays) for every line.
        var list = MatchList()
        swap(&list, &self.list)
        defer { swap(&list, &self.list) }
        list.removeAll()
        let analysis = Self.analyze(
            line, candidate: candidate, matcher: matcher, detector: detector, scratch: scratch, dateScratch: dateScratch, last: &last,
            subject: &subject, list: &list, oneLine: maxLines == 1,
            newlineFollows: chunk.map { Self.newlineFollows(line, offset: offset, in: $0) } ?? false)
        apply(analysis, list, line: line, found: found)
    }

    /// Applies one analysed line in order: template hits, the dates carried, the merge of
    /// multi-line ids, the line's verdict.
    /// - Parameter list: the failregex matches the analysis names.
    func apply(_ analysis: LineAnalysis, _ list: borrowing MatchList, line: UnsafeBufferPointer<UInt8>, found: (([Found]) -> Void)?) {
        report.lines += 1
        if analysis.template >= 0 {
            report.templateHits[analysis.template] += 1
            report.templateOrder.used(analysis.template, start: analysis.start)
            lastTemplate = (analysis.template, analysis.start)
        }
        if let time = analysis.time { (lastTime, lastMicroseconds) = (time, analysis.microseconds) }
        // fail2ban's processLine: a line without a date takes the last one only when it is
        // within a minute of now (a live log); in a report of an older log, none (fail2ban-
        // regex then shows the time of the run).
        var time = analysis.time
        if time == nil, let lastTime, lastTime > startedAt - 60 { time = lastTime }
        microseconds = analysis.time != nil ? analysis.microseconds : lastMicroseconds
        wantsFound = found != nil
        let verdict: Verdict
        if let matches = analysis.matches {
            verdict = classify(matches, list, line: line, time: time, cut: analysis.cut)
        } else if analysis.limitHit {
            report.limitHits += 1
            verdict = Verdict()
        } else {
            verdict = process(line, cut: analysis.cut, time: time)
        }
        if let found {
            if verdict.failures > 0 && !verdict.ignored { found(verdict.found) }
            return
        }
        let shown = { String(decoding: line, as: UTF8.self) }
        if verdict.ignored {
            report.ignored += 1
            if Self.keep(options.keepIgnored, report.ignored) { report.ignoredLines.append(shown()) }
        } else if verdict.failures > 0 {
            report.matched += 1
            if Self.keep(options.keepMatched, report.matched) { report.matchedLines.append(shown()) }
        } else if Self.keep(options.keepMissed, report.missed) {
            report.missedLines.append(shown())
        }
    }

    /// What a line (or the buffer) gave.
    struct Verdict {
        /// Its failures that count (not `<F-NOFAIL>`).
        var failures = 0
        /// An ignoreregex matched, or a failure was `<F-NOFAIL>`.
        var ignored = false
        /// With `-o`: the failures that count, described.
        var found: [Found] = []
    }

    /// Whether the caller takes each line's failures (`-o`), so they must be described.
    @exclusivity(unchecked) var wantsFound = false

    /// `maxlines` > 1: the line joins the buffer, the buffer is matched, and lines of the
    /// buffer a match took count as matched (fail2ban-regex's `testRegex`).
    /// - Parameter cut: the date's bytes, cut out of the line as fail2ban does.
    func process(_ line: UnsafeBufferPointer<UInt8>, cut: Range<Int>, time: Int?) -> Verdict {
        serial += 1
        let original = buffer
        let fullBuffer = buffer.count >= maxLines
        subject.removeAll(keepingCapacity: true)
        buffer.append((serial, Array(line[..<cut.lowerBound]) + Array(line[cut.upperBound...]), String(decoding: line, as: UTF8.self)))
        if buffer.count > maxLines { buffer.removeFirst(buffer.count - maxLines) }
        for entry in buffer {
            subject += entry.text
            subject.append(10)
        }
        let all: LineMatches
        var list = MatchList()
        swap(&list, &bufferList)
        defer { swap(&list, &bufferList) }
        list.removeAll()
        do {
            all = try subject.withUnsafeBufferPointer { try matcher.matchAll(subject: $0, scratch: scratch, into: &list) }
        } catch {
            report.limitHits += 1
            return Verdict()
        }
        let result = classify(all, list, line: line, time: time, cut: nil)
        // fail2ban-regex: earlier lines of the buffer that a match took count as matched.
        let remaining = Set(buffer.map(\.serial))
        for entry in original.dropFirst(fullBuffer ? 1 : 0) where !remaining.contains(entry.serial) {
            report.matched += 1
            // By text, the first such line (fail2ban-regex's list.index).
            if let k = report.missedLines.firstIndex(of: entry.line) { report.missedLines.remove(at: k) }
            if options.keepMatched == .all { report.matchedLines.append(entry.line) }
        }
        return result
    }

    /// fail2ban's `findFailure` with fail2ban-regex's settings, from every regex's result
    /// on the line (or the buffer): its failures, and whether it is ignored.
    /// - Parameter cut: the line's date (the subject is the line without it); nil: the
    ///   subject is the buffer of a multi-line filter, in `subject`.
    func classify(_ all: LineMatches, _ list: borrowing MatchList, line: UnsafeBufferPointer<UInt8>, time: Int?, cut: Range<Int>?)
        -> Verdict
    {
        var verdict = Verdict()
        func countIgnores(_ indices: Range<Int>) {
            for k in options.checkAll ? indices : indices.prefix(1) { report.ignoreregexHits[list.ignored[k]] += 1 }
            verdict.ignored = true
        }
        // fail2ban-regex counts the prefregex's last result, also on a line it did not run on.
        if let matched = all.prefregexMatched { prefregexMatched = matched }
        if prefregexMatched {
            report.prefregexHits? += 1
            if options.verbose { keepPrefregexGroups(ran: all.prefregexMatched != nil, line: line, cut: cut) }
        }
        if !all.ignoredFirst.isEmpty {
            countIgnores(all.ignoredFirst)
            return verdict
        }
        // Most lines: no failregex matched (the swap below made and freed a placeholder
        // state, four references, for each).
        if all.matches.isEmpty { return verdict }
        // The failures are described (ids as text) for `-o` and `-v`; else only counted.
        let described = wantsFound || options.verbose
        // The match's state is made in `recycled`, in place (a placeholder swapped in and
        // out made and destroyed a state per match: 1% of sshd's report).
        for k in all.matches {
            let match = list.matches[k]
            if !all.ignoredAfter.isEmpty {
                countIgnores(all.ignoredAfter)
                if !options.checkAll { break }
                continue
            }
            var matchedLines = wantsFound ? [String(decoding: line, as: UTF8.self)] : []
            if maxLines > 1 { matchedLines = consume(match.range, skipping: Array(list.skippedLines[match.skipped])) }
            list.withFields(of: match) { recycled.reload(fields: $0, count: layout.names.count) }
            // `-o msg` prints the lines of the failure (a connection's, merged).
            if wantsFound { recycled.lines = [] }
            var nofail = false
            var connection: Int? = nil
            if recycled.fields.isPresent(layout.mlfid) {
                let settled: MultiLineMerger.Settled
                (settled, connection) = merger.settle(&recycled, matchedLines: 1, checkAll: options.checkAll, lines: matchedLines)
                if case .noFail = settled { break }
            } else {
                recycled.lines = matchedLines
            }
            // The merged state is read in its connection's slot (moved out and back).
            if let connection { swap(&recycled, &merger.connections.states[connection]) }
            defer { if let connection { swap(&recycled, &merger.connections.states[connection]) } }
            nofail = recycled.has(layout.nofail)
            // fail2ban: the address from ip4, ip6, dns, else the failure id; none: pending.
            var ids: [String] = []
            var ip: String? = nil
            var count = 1
            if recycled.fields.isPresent(layout.ip4) || recycled.fields.isPresent(layout.ip6) {
                if described, let address = recycled.fields[layout.ip4] ?? recycled.fields[layout.ip6] {
                    ids = [address]
                    ip = address
                }
            } else if let host = recycled.fields[layout.dns] {
                switch options.useDNS {
                case .raw: ids = [host]
                case .no: ids = IPAddress(host).map { [$0.description] } ?? []
                case .yes, .warn:
                    ids = IPAddress(host).map { [$0.description] } ?? resolver.addresses(of: host).map(\.description)
                }
                ip = ids.first
                count = ids.count
            } else if recycled.fields.isPresent(layout.fid) {
                if described, let fid = recycled.fields[layout.fid] { ids = [fid] }
            } else {
                if options.ignorePending && !options.checkAll { break }
                if described { ids = [""] }
            }
            if !described {
                report.failregexHits[match.failregexIndex] += count
                if nofail {
                    if count > 0 { verdict.ignored = true }
                } else {
                    verdict.failures += count
                }
            } else {
                let fid = recycled.fields[layout.fid]
                for id in ids {
                    report.failregexHits[match.failregexIndex] += 1
                    if options.verbose {
                        // fail2ban-regex's flag: more than one failure of the line before this one.
                        report.failregexFound[match.failregexIndex].append(
                            RegexReport.FoundFailure(id: fid ?? (id.isEmpty ? nil : id), time: time, multiple: verdict.failures > 1))
                    }
                    if nofail {
                        verdict.ignored = true
                    } else {
                        verdict.failures += 1
                        if wantsFound {
                            verdict.found.append(
                                Found(
                                    failregex: match.failregexIndex, id: fid ?? id, ip: ip ?? id, time: time, microseconds: microseconds,
                                    fields: recycled.fields.dictionary(layout), line: String(decoding: line, as: UTF8.self),
                                    lines: recycled.lines ?? []))
                        }
                    }
                }
            }
            if !options.checkAll || maxLines > 1 { break }
        }
        return verdict
    }

    /// The prefregex's groups of the last line it matched, for `-v`.
    @exclusivity(unchecked) var lastPrefregexGroups: [RegexReport.Group] = []

    /// `-v`: the prefregex matched (on this line, or, when it did not run, on the last one
    /// it ran on: fail2ban-regex reads its last result): its groups kept for the first lines.
    func keepPrefregexGroups(ran: Bool, line: UnsafeBufferPointer<UInt8>, cut: Range<Int>?) {
        guard report.prefregexGroups.count < options.groupLines else {
            report.prefregexGroupsCut = true
            return
        }
        if ran {
            if let cut { Self.fillSubject(&subject, line: line, cut: cut) }
            let groups = subject.withUnsafeBufferPointer { matcher.prefregexGroups(subject: $0, scratch: scratch) }
            lastPrefregexGroups = RegexReport.pythonGroups(groups ?? [])
        }
        report.prefregexGroups.append(lastPrefregexGroups)
    }

    /// The lines a match covered leave the buffer (fail2ban's `getUnmatchedTupleLines`);
    /// all of them when the prefregex's content replaced the text.
    /// Lines `<SKIPLINES>` took stay (matched by text, in order, as fail2ban does).
    /// - Returns: the lines the match took (fail2ban's `getMatchedTupleLines`).
    @discardableResult
    func consume(_ range: Range<Int>?, skipping skipped: [[UInt8]]) -> [String] {
        guard let range else {
            defer { buffer = [] }
            return buffer.map(\.line)
        }
        let first = subject[..<range.lowerBound].filter { $0 == 10 }.count
        let last = subject[..<max(range.lowerBound, range.upperBound - 1)].filter { $0 == 10 }.count
        let upper = min(last, buffer.count - 1)
        guard first <= upper else { return [] }
        var matched = Array(buffer[first...upper])
        var kept = Array(buffer[..<first])
        var n = 0
        for line in skipped {
            if let m = matched[n...].firstIndex(where: { $0.text == line }) {
                kept.append(matched.remove(at: m))
                n = m
            }
        }
        buffer = kept + buffer[(upper + 1)...]
        return matched.map(\.line)
    }
}
