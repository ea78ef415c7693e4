import Fail2banConfig
import Foundation
import Matcher

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the date in a log line and the bytes to cut out, as fail2ban's DateDetector.
///
/// Corresponds to fail2ban's `server/datedetector.py` (its default templates, in their
/// order, line-begin anchored variants first; `datepattern` lines with `{^LN-BEG}`,
/// `{DATE}`, `{NONE}`, `EPOCH`, `LEPOCH`, `TAI64N` and `%`-formats) and
/// `server/strptime.py reGroupDictStrptime` (fields to time, local time from `TZ`, the
/// year of dates without one: this year, or last year when more than a day ahead).
/// fail2ban's detector also remembers the last template that matched; failscan searches
/// afresh on every line with the rule fail2ban applies to a first line: an anchored
/// match, or one at most one byte into the line, wins; otherwise the nearest match.
package struct DateDetector: Sendable {
    /// A date found in a line.
    package struct Match: Sendable, Equatable {
        /// The bytes fail2ban cuts out of the line (its template's date group).
        package var range: Range<Int>
        /// Unix time.
        package var time: Int
        /// The template matched an empty date (`^WARNING:()**`): fail2ban then takes the
        /// last known date; `time` is meaningless.
        package var usesLastDate = false
        /// Microseconds after `time` (journal entries' dates keep them).
        package var microseconds = 0

        package init(range: Range<Int>, time: Int, usesLastDate: Bool = false, microseconds: Int = 0) {
            self.range = range
            self.time = time
            self.usesLastDate = usesLastDate
            self.microseconds = microseconds
        }
    }

    /// "Now" for the year rule (fail2ban's `MyTime.now()`); tests fix it like fail2ban's.
    package private(set) var now: Int
    /// `now` as local wall-clock time.
    private(set) var today: LocalDateTime
    private(set) var templates: [DateTemplate]
    /// Lines carry no date (`{NONE}`): every line is "now", nothing is cut.
    package let none: Bool
    /// Lines are journal entries with their date in front (``journal``).
    package private(set) var readsJournal = false
    /// The ISO/syslog byte parser may answer first (default templates only).
    var fast: FastDateParser?
    /// The byte parser reads the time of a date a template found when it cuts the same
    /// bytes (no strptime fields to read): set when every template is a default one, also
    /// wrapped in a `{DATE}` pattern (recidive's `^{DATE}`), where the same bytes can only
    /// be the same ISO or syslog date. Not with a pattern of `%` fields of its own
    /// (`%Y-%d-%m` would cut the bytes of an ISO date and mean another day).
    var timeReader: FastDateParser?
    /// Per template, when the byte parser decides for it: the line-start ISO and syslog
    /// default templates (`{^LN-BEG}`, also `^` in a `{DATE}` pattern) match a line exactly
    /// when the byte parser finds a date of their format there (at its start for `^`, after
    /// up to two non-word bytes for `{^LN-BEG}`), with its range and time. Checked line by
    /// line against the regexes by `DateDetectorTests`; nil without ``timeReader``.
    var decidedByReader: [(format: FastDateParser.Format, anyStart: Bool)?] = []
    /// `logtimezone`: minutes east of UTC for dates without a zone (nil: local time).
    package let defaultZone: Int?
    let maxCaptures: Int

    /// The default templates' patterns, in fail2ban's order.
    static let defaultPatterns: [String] = [
        #"%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\s*%z)?"#,
        #"(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?"#,
        #"(?:%a )?%b %d %ExY %k:%M:%S(?:\.%f)?"#,
        #"%d(?P<_sep>[-/])%m(?P=_sep)(?:%ExY|%Exy) %k:%M:%S"#,
        #"%d(?P<_sep>[-/])%b(?P=_sep)%ExY[ :]?%H:%M:%S(?:\.%f)?(?: %z)?"#,
        #"%m/%d/%ExY:%H:%M:%S"#,
        #"%m-%d-%ExY %k:%M:%S(?:\.%f)?"#,
        "EPOCH",
        "{^LN-BEG}%H:%M:%S",
        "^<%m/%d/%Exy@%H:%M:%S>",
        #"%Exy%Exm%Exd  ?%H:%M:%S"#,
        "%b %d, %ExY %I:%M:%S %p",
        "^%b-%d-%Exy %k:%M:%S",
        #"%ExY%Exm%Exd(?:T|  ?)%ExH%ExM%ExS(?:[.,]%f)?(?:\s*%z)?"#,
        #"(?:%Z )?(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?"#,
        #"(?:%z )?(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?"#,
        "TAI64N",
    ]

    /// The full default list: line-begin anchored variants first, then the originals.
    /// - Parameter jit: false when the byte parser answers first (the regexes are then a
    ///   rare fallback, and JIT-compiling thirty of them would dominate start-up).
    static func defaultTemplates(jit: Bool) -> [DateTemplate] { jit ? compiledDefaults : interpretedDefaults }

    // Built once per process (Swift initialises static lets lazily and thread-safely),
    // not once per detector: a jail configuration has a detector per jail.
    static let interpretedDefaults = try! buildDefaultTemplates(jit: false)
    static let compiledDefaults = try! buildDefaultTemplates(jit: true)

    static func buildDefaultTemplates(jit: Bool) throws(ConfigError) -> [DateTemplate] {
        var anchored: [DateTemplate] = []
        var plain: [DateTemplate] = []
        for pattern in defaultPatterns {
            if !pattern.hasPrefix("{^LN-BEG}") && !pattern.hasPrefix("^") {
                anchored.append(try DateTemplate.make("{^LN-BEG}" + pattern, jit: jit))
            }
            plain.append(try DateTemplate.make(pattern, jit: jit))
        }
        return anchored + plain
    }

    /// - Parameters:
    ///   - patterns: the filter's `datepattern` lines (empty: fail2ban's defaults).
    ///   - now: Unix time of "now" for dates without a year.
    ///   - defaultZone: `logtimezone` in minutes east of UTC, or nil for local time.
    /// - Throws: `ConfigError` for a pattern that does not compile.
    package init(patterns: [String] = [], now: Int, defaultZone: Int? = nil) throws(ConfigError) {
        self.now = now
        self.today = CivilTime.localDateTime(now)
        self.defaultZone = defaultZone
        var templates: [DateTemplate] = []
        var none = false
        var tai = false
        // The byte parser can answer first when only default templates are in play.
        let defaultsOnly =
            patterns.allSatisfy {
                ["{^LN-BEG}", "{DEFAULT}", "TAI64N", "{^LN-BEG}TAI64N", "^TAI64N"].contains($0.trimmingSpaces.uppercased())
            }
            && defaultZone == nil
        let jit = !defaultsOnly
        if patterns.isEmpty {
            templates = Self.defaultTemplates(jit: jit)
        }
        for raw in patterns {
            let pattern = raw.trimmingSpaces
            let key = pattern.contains("%") ? pattern : pattern.uppercased()
            switch key {
            case "{^LN-BEG}":
                templates += Self.defaultTemplates(jit: jit).filter(\.lineBegin)
            case "{DEFAULT}":
                templates += Self.defaultTemplates(jit: jit)
            case "{NONE}":
                none = true
            default:
                if key.contains("{DATE}") {
                    for base in Self.defaultPatterns {
                        var unbound = base
                        if unbound.hasPrefix("{^LN-BEG}") { unbound = String(unbound.dropFirst(9)) }
                        // fail2ban wraps the epoch and TAI64N templates by name: the result
                        // reads the words "Epoch" and "TAI64N", never a date, but is listed.
                        if base == "EPOCH" { unbound = "Epoch" }
                        templates.append(try DateTemplate.make(pattern.replacingOccurrences(of: "{DATE}", with: unbound)))
                    }
                } else {
                    if key.hasSuffix("TAI64N") { tai = true }
                    templates.append(try DateTemplate.make(pattern, jit: jit))
                }
            }
        }
        // fail2ban adds a default template whose name it already has once (a datepattern
        // {^LN-BEG}TAI64N before {^LN-BEG}).
        var names = Set<String>()
        self.templates = templates.filter { names.insert($0.fail2banName).inserted }
        self.none = none
        fast = defaultsOnly && defaultZone == nil && !none ? FastDateParser(now: now, tai64n: tai) : nil
        let defaultDates = patterns.allSatisfy {
            let pattern = $0.trimmingSpaces
            return ["{^LN-BEG}", "{DEFAULT}"].contains(pattern.uppercased())
                || (pattern.contains("{DATE}") && !pattern.replacingOccurrences(of: "{DATE}", with: "").contains("%"))
        }
        timeReader = fast ?? (defaultDates && defaultZone == nil && !none ? FastDateParser(now: now, tai64n: false) : nil)
        if timeReader != nil {
            let (iso, syslog) = (Self.defaultPatterns[0], Self.defaultPatterns[1])
            decidedByReader = self.templates.map {
                switch $0.name {
                case "{^LN-BEG}" + iso: (.iso, true)
                case "{^LN-BEG}" + syslog: (.syslog, true)
                case "^" + iso: (.iso, false)
                case "^" + syslog: (.syslog, false)
                default: nil
                }
            }
        }
        maxCaptures = templates.map(\.regex.captureCount).max() ?? 0
    }

    /// The same detector with another "now" (failscan anchors the year of each file on
    /// its modification time).
    package func anchored(at now: Int) -> DateDetector {
        var copy = self
        copy.now = now
        copy.today = CivilTime.localDateTime(now)
        copy.fast?.setNow(now)
        copy.timeReader?.setNow(now)
        return copy
    }

    /// The same detector with every template regex JIT-compiled, for callers that run
    /// the templates on every line (the report counts each template's hits): the byte
    /// parser answers first elsewhere, and its templates are left to PCRE2's interpreter
    /// then (thirty of them JIT-compiled would dominate start-up), which cost the report
    /// 6k instructions a line, a third of its work on sshd.
    package var jitCompiled: DateDetector {
        var copy = self
        copy.templates = templates.map(\.jitCompiled)
        return copy
    }

    /// The detector of journal lines (`LogSource.JournalReader`): the date in front of
    /// each line is the entry's, cut as fail2ban's systemd backend cuts it; no template runs
    /// (fail2ban's own detector is not used on a journal).
    package var journal: DateDetector {
        var copy = self
        copy.readsJournal = true
        return copy
    }

    /// Where this detector may cut a date out of a line (for the prefilter's literals).
    package var dateCut: DateCut {
        if readsJournal || none || templates.allSatisfy(\.lineBegin) { return .lineStart }
        return templates.allSatisfy(\.bounded) ? .bounded : .unbounded
    }

    /// A `logtimezone` / `--timezone` text as minutes east of UTC.
    package static func zoneOffset(_ text: String) -> Int? { TimePatterns.offset(ofZone: text.trimmingSpaces) }

    /// Per-worker state: match data for the date regexes and the local-time cache.
    package func makeScratch() -> DateScratch { DateScratch(captureCount: maxCaptures) }

    /// The date in `line` and the bytes to cut out, or nil when there is none.
    @inline(__always)
    package func detect(_ line: UnsafeBufferPointer<UInt8>, scratch dateScratch: DateScratch) -> Match? {
        // {NONE}: fail2ban's template matches the empty string, and an empty date means
        // "now" (the last known date within a minute, in a live fail2ban).
        if readsJournal { return FastDateParser.parseJournal(line, civil: dateScratch.civil) }
        if none { return Match(range: 0..<0, time: now) }
        if let fast {
            if let match = fast.detect(line, civil: dateScratch.civil) { return match }
            // Every default template needs a digit: a line without one (an empty line, a
            // banner) has no date, and the thirty regex templates need not look.
            guard line.contains(where: { $0 &- 48 < 10 }) else { return nil }
        }
        return detectTemplate(line, scratch: dateScratch)?.match
    }

    /// The template that finds the date of `line` (by fail2ban's rule, through the
    /// templates' regexes even where the byte parser answers) and what it finds.
    package func explain(_ line: UnsafeBufferPointer<UInt8>, scratch dateScratch: DateScratch) -> (template: String, match: Match)? {
        if readsJournal { return FastDateParser.parseJournal(line, civil: dateScratch.civil).map { ("journal entry time", $0) } }
        if none { return ("{NONE}", Match(range: 0..<0, time: now)) }
        return detectTemplate(line, scratch: dateScratch).map { (templates[$0.template].name, $0.match) }
    }

    /// The names fail2ban gives this detector's templates, by index (fail2ban-regex's
    /// "Date template hits").
    package var templateNames: [String] { readsJournal ? [] : none ? ["{NONE}"] : templates.map(\.fail2banName) }

    /// The index of the template that finds the date of `line`, by fail2ban's rule, and
    /// what it finds, through the templates' regexes (``detect(_:scratch:)`` asks the byte
    /// parser first).
    /// - Parameter last: the template that found the previous line's date and where its
    ///   match began: fail2ban tries it first and keeps it when it matches anchored at the
    ///   line's start, or at the same place (what decides which of two templates that both
    ///   fit a line gets the hit).
    package func detectTemplate(
        _ line: UnsafeBufferPointer<UInt8>, scratch dateScratch: DateScratch, last: (template: Int, start: Int)? = nil
    ) -> (template: Int, match: Match, start: Int)? {
        // A journal line's date is no template's (-1: no template hit counted).
        if readsJournal { return FastDateParser.parseJournal(line, civil: dateScratch.civil).map { (-1, $0, 0) } }
        if none { return (0, Match(range: 0..<0, time: now), 0) }
        let scratch = dateScratch.pcre
        // SAFETY: an empty buffer may have no base address; PCRE2 reads no byte of a
        // subject of length 0, so any non-null pointer stands for it (1 is never dereferenced).
        guard let base = line.baseAddress ?? UnsafePointer(bitPattern: 1) else { return nil }
        // The byte parser's date, read at most once per line: for the templates it decides
        // for, and for the time of a date a template's regex found.
        var quick: Match?? = nil
        if let last, last.template < templates.count {
            // Read in place: a template copied out per line (the report asks on every
            // line) retained and released its name, regex and fields.
            let t = last.template
            if let date = decided(t, line, dateScratch.civil, &quick) { return (t, date, 0) }
            if (try? templates[t].regex.search(base, length: line.count, scratch: scratch)) == true,
                let whole = scratch.range(ofGroup: 0), templates[t].lineBegin || whole.lowerBound == last.start,
                let match = read(t, line, scratch, dateScratch.civil, &quick)
            {
                return (t, match, whole.lowerBound)
            }
        }
        var best: (Int, Match, Int)? = nil
        for index in templates.indices {
            // A template the byte parser decides for begins at the line's start: the
            // first template to match there wins, as its regex would have.
            if let date = decided(index, line, dateScratch.civil, &quick) { return (index, date, 0) }
            guard (try? templates[index].regex.search(base, length: line.count, scratch: scratch)) == true,
                let whole = scratch.range(ofGroup: 0), let match = read(index, line, scratch, dateScratch.civil, &quick)
            else { continue }
            if templates[index].lineBegin || whole.lowerBound <= 1 { return (index, match, whole.lowerBound) }
            if best == nil || whole.lowerBound < best!.2 { best = (index, match, whole.lowerBound) }
        }
        return best
    }

    /// The byte parser's date in template `t`'s format, when it decides for `t`: the
    /// template's match (the whole match begins at the line's start); it not finding one
    /// proves nothing.
    @inline(__always)
    func decided(_ t: Int, _ line: UnsafeBufferPointer<UInt8>, _ civil: CivilTime, _ quick: inout Match??) -> Match? {
        guard t < decidedByReader.count, let (format, anyStart) = decidedByReader[t], let timeReader,
            let date = Self.quick(timeReader, line, civil, &quick), !date.usesLastDate,
            FastDateParser.format(of: date, in: line) == format, anyStart || date.range.lowerBound == 0
        else { return nil }
        return date
    }

    /// The match of a template that matched `line` (its groups in `scratch`): the byte
    /// parser's when it cuts the same bytes (its time is the template's, without reading
    /// strptime fields), else ``parse(_:_:_:_:)``.
    /// - Parameter quick: the byte parser's date of `line` when already read (read here
    ///   otherwise, and kept).
    @inline(__always)
    func read(_ t: Int, _ line: UnsafeBufferPointer<UInt8>, _ scratch: PCRE2Scratch, _ civil: CivilTime, _ quick: inout Match??)
        -> Match?
    {
        // By index: a template passed by value was copied, retaining its name, regex and
        // fields, for every line.
        if case .pattern = templates[t].kind, let timeReader, let date = scratch.range(ofGroup: 1), !date.isEmpty,
            let known = Self.quick(timeReader, line, civil, &quick), known.range == date, !known.usesLastDate
        {
            return known
        }
        return parse(templates[t], line, scratch, civil)
    }

    /// The byte parser's date of `line`, read once into `cache`.
    @inline(__always)
    static func quick(_ reader: FastDateParser, _ line: UnsafeBufferPointer<UInt8>, _ civil: CivilTime, _ cache: inout Match??) -> Match? {
        if let known = cache { return known }
        let date = reader.detect(line, civil: civil)
        cache = .some(date)
        return date
    }

    /// Turns a template's groups into a match.
    func parse(_ template: DateTemplate, _ line: UnsafeBufferPointer<UInt8>, _ scratch: PCRE2Scratch, _ civil: CivilTime) -> Match? {
        switch template.kind {
        case .tai64n:
            guard let range = scratch.range(ofGroup: 1), range.count == 25 else { return nil }
            let hex = String(decoding: line[(range.lowerBound + 2)..<(range.lowerBound + 17)], as: UTF8.self)
            guard let seconds = Int(hex, radix: 16) else { return nil }
            return Match(range: range, time: seconds)
        case .epoch(let long, let group):
            guard let range = scratch.range(ofGroup: group) else { return nil }
            let value = String(decoding: line[range], as: UTF8.self)
            guard var seconds = Double(value) else { return nil }
            if long, value.count >= 13 {
                seconds /= (value.count >= 16 && !value.contains(".")) ? 1_000_000 : 1000
            }
            return Match(range: scratch.range(ofGroup: 1) ?? range, time: Int(seconds))
        case .pattern:
            guard let range = scratch.range(ofGroup: 1) else { return nil }
            if range.isEmpty { return Match(range: range, time: 0, usesLastDate: true) }
            let fields = template.fields.read(line, scratch)
            guard let time = fields.time(today: today, defaultZone: defaultZone, civil: civil) else { return nil }
            return Match(range: range, time: time)
        }
    }
}
