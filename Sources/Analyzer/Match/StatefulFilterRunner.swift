import Matcher

/// Runs a filter whose failures depend on earlier lines: `maxlines` > 1 (a buffer of
/// the last lines is matched as one text) or `<F-MLFID>` (lines of one connection merged
/// into one failure, with `<F-NOFAIL>`, `<F-MLFFORGET>` and `<F-MLFGAINED>`).
///
/// Corresponds to fail2ban's `server/filter.py` `findFailure` and `_mergeFailure`, with
/// the server's `checkAllRegex = False`. It sees every line in order, so files run
/// through it one after another, on one thread each, without the prefilter.
final class StatefulFilterRunner {
    let matcher: FilterMatcher
    let detector: DateDetector
    let maxLines: Int
    let detailed: Bool
    let scratch: FilterScratch
    let dateScratch: PCRE2Scratch
    var lineBuffer: [[UInt8]] = []
    var cache: [String: FailState] = [:]
    var lastTime: Int?
    var counters = FilterRunner.Counters()

    /// fail2ban's failure dict, for the fields that drive merging.
    struct FailState {
        var fields: [String: String]
        var users: Set<String>? = nil
        var matches = 0
        var nofailMatches = 0
        var pending = false

        func has(_ name: String) -> Bool { !(fields[name] ?? "").isEmpty }
    }

    init(matcher: FilterMatcher, detector: DateDetector, maxLines: Int, detailed: Bool) {
        self.matcher = matcher
        self.detector = detector
        self.maxLines = max(1, maxLines)
        self.detailed = detailed
        scratch = matcher.makeScratch()
        dateScratch = detector.makeScratch()
    }

    /// Processes a buffer of whole lines (the next of this file), in order.
    func scan(_ buffer: UnsafeBufferPointer<UInt8>, file: Int) -> ChunkMatches {
        var result = ChunkMatches()
        guard let base = buffer.baseAddress else { return result }
        var start = 0
        var lineNumber = 0
        while start < buffer.count {
            var end = start
            while end < buffer.count, base[end] != 10 { end += 1 }
            lineNumber += 1
            var stop = end
            if stop > start, base[stop - 1] == 13 { stop -= 1 }
            let line = UnsafeBufferPointer(start: base + start, count: stop - start)
            if let failure = process(line, file: file, lineNumber: lineNumber) {
                result.failures.append(failure)
            }
            start = end + 1
        }
        result.lines = lineNumber
        result.lastTime = lastTime
        result.counters = counters
        counters = FilterRunner.Counters()
        return result
    }

    func process(_ line: UnsafeBufferPointer<UInt8>, file: Int, lineNumber: Int) -> Failure? {
        counters.candidates += 1
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
        if maxLines > 1 {
            lineBuffer.append(text)
            if lineBuffer.count > maxLines { lineBuffer.removeFirst(lineBuffer.count - maxLines) }
        } else {
            lineBuffer = [text]
        }
        var subject = [UInt8]()
        for buffered in lineBuffer { subject.append(contentsOf: buffered); subject.append(10) }
        let found: FilterMatcher.DetailedMatch?
        do {
            found = try subject.withUnsafeBufferPointer { try matcher.matchDetailed(subject: $0, scratch: scratch) }
        } catch {
            counters.limitHits += 1
            return nil
        }
        guard let found else { return nil }
        // The lines the match covered leave the buffer (fail2ban's getUnmatchedTupleLines).
        var matchedLines = 1
        if maxLines > 1, let range = found.range {
            let first = subject[..<range.lowerBound].filter { $0 == 10 }.count
            let last = subject[..<max(range.lowerBound, range.upperBound - 1)].filter { $0 == 10 }.count
            let upper = min(last, lineBuffer.count - 1)
            if first <= upper {
                matchedLines = upper - first + 1
                lineBuffer.removeSubrange(first...upper)
            }
        } else if maxLines > 1 {
            lineBuffer = []
        }
        var fail = FailState(fields: found.fields)
        let mlfid = fail.fields["mlfid"]
        if let mlfid {
            fail = merge(mlfid, fail, matchedLines: matchedLines)
            if fail.has("nofail") {
                writeBack(mlfid, fail)
                return nil
            }
        } else {
            fail.matches += matchedLines
        }
        let fid = fail.fields["fid"]
        var id = fail.fields["ip4"] ?? fail.fields["ip6"] ?? fail.fields["dns"] ?? fail.fields["host"]
        if id == nil { id = fid }
        guard let idText = id else {
            if let mlfid {
                fail.pending = true
                writeBack(mlfid, fail)
            }
            return nil
        }
        if let mlfid { writeBack(mlfid, fail) }
        let failureID: FailureID
        var key = idText
        if let fid, fid != idText { key = fid }
        if let address = IPAddress(key) {
            failureID = .address(address)
        } else if key.isEmpty {
            counters.invalidID += 1
            return nil
        } else {
            failureID = .other(key)
        }
        guard let time = date?.time ?? lastTime else {
            counters.noDate += 1
            return nil
        }
        counters.matched += 1
        var fields: [String: String]? = nil
        if detailed {
            fields = fail.fields
            if let users = fail.users { fields?["users"] = users.sorted().joined(separator: "\u{1f}") }
            fields?["attempts"] = String(fail.matches)
        }
        return Failure(id: failureID, time: time, file: file, line: detailed ? lineNumber : 0,
                       failregex: found.failregexIndex, fields: fields)
    }

    /// After fail2ban's `_mergeFailure`: failures of one multi-line id (a connection)
    /// share one cached state; `<F-NOFAIL>` lines add to it without failing,
    /// `<F-MLFFORGET>` drops it, `<F-MLFGAINED>` (a success) resets pending failures.
    func merge(_ mlfid: String, _ current: FailState, matchedLines: Int) -> FailState {
        var fail = current
        var flags = 0
        if fail.has("mlfgained") {
            flags |= 8 | 1
            if !fail.has("nofail") { fail.fields["nofail"] = fail.fields["mlfgained"] }
        } else if fail.has("nofail") {
            flags |= 1
        }
        if let forget = fail.fields.removeValue(forKey: "mlfforget"), !forget.isEmpty { flags |= 2 }
        var users: Set<String>? = nil
        if var cached = cache[mlfid] {
            users = Self.updateUsers(&cached, fail.fields["user"])
            if let value = cached.fields.removeValue(forKey: "nofail"), !value.isEmpty { flags |= 4 }
            if let value = cached.fields.removeValue(forKey: "mlfgained"), !value.isEmpty { flags |= 4 }
            if flags & 8 != 0 { cached.pending = false }
            if flags & 4 == 0 && !cached.pending { cached.matches = 0 }
            for (key, value) in fail.fields { cached.fields[key] = value }
            fail = cached
            if flags & 2 != 0 { cache[mlfid] = nil } else { cache[mlfid] = fail }
        } else if flags & 2 == 0 {
            users = Self.updateUsers(&fail, fail.fields["user"])
            cache[mlfid] = fail
        }
        let wasPending = fail.pending
        fail.pending = false
        if wasPending || (users?.count ?? 0) > 1 {
            fail.fields["nofail"] = nil
            fail.fields["mlfgained"] = nil
            flags &= ~(8 | 1)
        }
        if flags & 1 == 0 {
            fail.matches = fail.nofailMatches + fail.matches + (flags & 8 == 0 ? matchedLines : 0)
            fail.nofailMatches = 0
        } else if flags & 3 == 1 {
            fail.nofailMatches += matchedLines
        }
        return fail
    }

    /// In fail2ban the cached failure and the one being worked on are one object: what
    /// happens to it after merging is seen by the next line of the same id.
    func writeBack(_ mlfid: String, _ fail: FailState) {
        if cache[mlfid] != nil { cache[mlfid] = fail }
    }

    static func updateUsers(_ fail: inout FailState, _ user: String?) -> Set<String>? {
        guard let user, !user.isEmpty else { return fail.users }
        if fail.users == nil { fail.users = [] }
        fail.users!.insert(user)
        return fail.users
    }
}
