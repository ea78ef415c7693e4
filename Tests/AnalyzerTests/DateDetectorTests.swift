import Foundation
import Matcher
import TestSupport
import Testing

@testable import Analyzer
@testable import Fail2banConfig
@testable import LogSource

func detect(_ line: String, now: Int = 1795600000, tai: Bool = false, patterns: [String] = []) -> DateDetector.Match? {
    setenv("TZ", "UTC", 1)
    tzset()
    let detector = try! DateDetector(patterns: tai ? ["{^LN-BEG}TAI64N", "{^LN-BEG}"] : patterns, now: now)
    let scratch = detector.makeScratch()
    return Array(line.utf8).withUnsafeBufferPointer { detector.detect($0, scratch: scratch) }
}

@Suite(.serialized) struct DateDetectorTests {
    // now = 2026-11-25 07:06:40 UTC
    @Test func syslogDateTakesThisYear() throws {
        let m = try #require(detect("Nov 24 10:00:00 host sshd[1]: x"))
        #expect(m.range == 0..<15)
        #expect(m.time == CivilTime.utc(2026, 11, 24, 10, 0, 0))
    }

    @Test func syslogDateMoreThanADayAheadIsLastYear() throws {
        #expect(detect("Dec 31 23:59:59 host x")?.time == CivilTime.utc(2025, 12, 31, 23, 59, 59))
        // Within a day ahead stays this year (fail2ban tolerates time-zone skew).
        #expect(detect("Nov 26 01:00:00 host x")?.time == CivilTime.utc(2026, 11, 26, 1, 0, 0))
    }

    @Test func syslogVariants() {
        #expect(detect("Nov  5 01:02:03 h x")?.range == 0..<15)
        #expect(detect("Wed Nov 25 01:02:03 2026 h x")?.time == CivilTime.utc(2026, 11, 25, 1, 2, 3))
        #expect(detect("Nov 25 01:02:03.123456 h x")?.range == 0..<22)
        #expect(detect("[Nov 25 01:02:03] h x")?.range == 1..<16)
        #expect(detect("Nov 25 01:02:03x") == nil)
        #expect(detect("Foo 25 01:02:03 h") == nil)
    }

    @Test func isoDates() {
        #expect(detect("2026-11-24T10:00:00Z x")?.time == CivilTime.utc(2026, 11, 24, 10, 0, 0))
        #expect(detect("2026-11-24 10:00:00 +0100 x")?.time == CivilTime.utc(2026, 11, 24, 9, 0, 0))
        #expect(detect("2026-11-24T10:00:00.123+02:00 x")?.time == CivilTime.utc(2026, 11, 24, 8, 0, 0))
        #expect(detect("2026/11/24 10:00:00 x")?.range == 0..<19)
        #expect(detect("2026-11-24T10:00:00 x")?.time == CivilTime.utc(2026, 11, 24, 10, 0, 0))
    }

    @Test func tai64n() {
        let line = "@4000000068a1b2c3001e8480 x"
        #expect(detect(line, tai: true)?.time == 0x68a1b2c3)
        #expect(detect(line, tai: true)?.range == 0..<25)
    }

    @Test func defaultTemplatesFindDatesBeyondTheLineStart() {
        // Apache style, in brackets after a host: the nearest default template.
        let apache = detect(#"192.0.2.1 - - [24/Nov/2026:10:00:00 +0100] "GET / HTTP/1.1" 401"#)
        #expect(apache?.time == CivilTime.utc(2026, 11, 24, 9, 0, 0))
        #expect(apache?.range == 15..<41)
        #expect(detect("1795500000 host x")?.time == 1795500000)
        #expect(detect("[1795500000.123] x")?.range == 1..<15)
        #expect(detect("no date here at all") == nil)
    }

    @Test func datepatternFormats() {
        #expect(detect("L 24/11/2026 - 10:00:00: x", patterns: ["^L %d/%m/%Y - %H:%M:%S"])?.time == CivilTime.utc(2026, 11, 24, 10, 0, 0))
        #expect(detect("x t=2026-11-24T10:00:00+0200 y", patterns: ["t=%Y-%m-%dT%H:%M:%S%z"])?.time == CivilTime.utc(2026, 11, 24, 8, 0, 0))
        #expect(detect("Nov 24, 2026 1:02:03 PM x", patterns: ["^%b %d, %ExY %I:%M:%S %p"])?.time == CivilTime.utc(2026, 11, 24, 13, 2, 3))
        #expect(
            detect("<34>1 2026-11-24T10:00:00Z host app", patterns: [#"^<\d+>\d+\s+{DATE}"#])?.time == CivilTime.utc(2026, 11, 24, 10, 0, 0)
        )
        #expect(detect("1795500000123 y", patterns: ["LEPOCH"])?.time == 1795500000)
        #expect(detect("x 1795500000123 y", patterns: ["LEPOCH"]) == nil) // only at line start, after [ or audit(
        #expect(detect("Nov 24 10:00:00 x", patterns: ["{NONE}"]) == DateDetector.Match(range: 0..<0, time: 1795600000))
    }

    /// `^{DATE}` (recidive's) and `{DATE}` in a pattern read an ISO or syslog date's time
    /// with the byte parser when it cuts the template's bytes: the same times, ranges and
    /// templates as without it, and as the strptime path of the same date written in `%`
    /// fields (which never uses it: `%Y-%d-%m` cuts ISO bytes too and means another day).
    @Test func dateWrappedInAPatternReadsTheTimesOfItsTemplates() throws {
        setenv("TZ", "UTC", 1)
        tzset()
        let lines = [
            "2026-11-01 00:00:00,245 fail2ban.filter [8013]: INFO [dovecot] Ignore 192.0.2.1",
            "2026-11-24T10:00:00.123+02:00 x", "2026-11-24 10:00:00 +0100 x", "2026/11/24 10:00:00 x",
            "2026.11.24 10:00:00Z x", "2026-11-24  10:00:00 x", "2026-11-24 10:00:00x", "2026-13-24 10:00:00 x",
            "Nov 24 10:00:00 host x", "Dec 31 23:59:59 host x", "Wed Nov 25 01:02:03 2026 h x", "Nov 25 01:02:03.123456 h",
            "[Nov 25 01:02:03] h x", "x 2026-11-24 10:00:00 y", "no date",
        ]
        let wrapped = try DateDetector(patterns: ["^{DATE}"], now: 1_795_600_000)
        let unwrapped = try DateDetector(patterns: ["{DATE}"], now: 1_795_600_000)
        #expect(wrapped.timeReader != nil && unwrapped.timeReader != nil)
        var withoutReader = wrapped
        withoutReader.timeReader = nil
        // The same dates written in `%` fields: read by the strptime path.
        let strptimePatterns = [
            lines[0]: "^%Y-%m-%d %H:%M:%S,%f", lines[2]: "^%Y-%m-%d %H:%M:%S %z", lines[3]: "^%Y/%m/%d %H:%M:%S",
            lines[8]: "^%b %d %H:%M:%S", lines[9]: "^%b %d %H:%M:%S", lines[10]: "^%a %b %d %H:%M:%S %Y",
        ]
        let swapped = try DateDetector(patterns: ["^%Y-%d-%m %H:%M:%S"], now: 1_795_600_000)
        #expect(swapped.timeReader == nil)
        for line in lines {
            try Array(line.utf8).withUnsafeBufferPointer { bytes in
                let scratch = wrapped.makeScratch()
                var last: (template: Int, start: Int)? = nil
                let read = wrapped.detectTemplate(bytes, scratch: scratch, last: last)
                let parsed = withoutReader.detectTemplate(bytes, scratch: scratch, last: last)
                #expect(read?.template == parsed?.template && read?.start == parsed?.start, "\(line)")
                #expect(read?.match.range == parsed?.match.range && read?.match.time == parsed?.match.time, "\(line)")
                // Again with the line's own template tried first, as for the next line.
                if let read { last = (read.template, read.start) }
                #expect(wrapped.detectTemplate(bytes, scratch: scratch, last: last)?.match.time == read?.match.time, "\(line)")
                if let pattern = strptimePatterns[line] {
                    let fields = try DateDetector(patterns: [pattern], now: 1_795_600_000)
                    #expect(fields.timeReader == nil)
                    let strptime = try #require(fields.detect(bytes, scratch: fields.makeScratch()))
                    #expect(read?.match.time == strptime.time && read?.match.range == strptime.range, "\(line)")
                }
            }
        }
        // The bytes of an ISO date under `%Y-%d-%m` are another day: never the byte parser's.
        let other = Array("2026-11-01 10:00:00 x".utf8).withUnsafeBufferPointer { swapped.detect($0, scratch: swapped.makeScratch()) }
        #expect(other?.time == CivilTime.utc(2026, 1, 11, 10, 0, 0))
    }

    /// The byte parser against the template regexes it stands for, on 20,000 generated
    /// date-like lines (seeded; a third mutated: a byte replaced, dropped or doubled): a
    /// date it reads is the one the default templates find (a scan's dates), and it decides
    /// for the line-start ISO and syslog templates (the report's date of every line after
    /// the first) as their regexes do: same template, start, range and time, under the
    /// default templates and recidive's `^{DATE}`. (Its first run found the byte parser
    /// taking `Nov  31`, seven-digit fractions, `+23:59` and `UTC+01` where the regexes
    /// do not, and not giving back a fraction or zone as their backtracking does.)
    @Test func byteParserDecidesAsTheLineStartTemplatesDo() throws {
        setenv("TZ", "UTC", 1)
        tzset()
        var rng = SeededGenerator(seed: 28)
        // The first option (a valid piece) half the time, else any.
        func pick(_ options: [String]) -> String {
            Bool.random(using: &rng) ? options[0] : options.randomElement(using: &rng)!
        }
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }) }
        // A date as (up to its minute, its seconds, the rest): a date repeated on the next
        // lines sometimes comes back with other seconds, as the lines of one minute do.
        func seconds() -> String { pick(["00", "7", "59", "60", "61", "62", "09", "5x", "1", "6"]) }
        func isoDate() -> (String, String, String) {
            let sep = pick(["-", "/", ".", "-", ":"])
            let minute =
                pick(["2026", "2099", "1999", "2100", "20" + digits(2), digits(4)]) + sep
                + pick(["11", "1", "01", "12", "13", "00", " 5"]) + sep
                + pick(["24", "5", "05", "31", "32", "0", " 5", "29"]) + pick(["T", " ", "  ", "   ", "t", "_"])
                + pick(["10", "9", "09", "23", "24", " 9"]) + ":" + pick(["00", "5", "59", "60"]) + ":"
            let rest =
                pick(["", "", ".123", ",245", ".1234567", ".", ",1", "." + digits(6)])
                + pick(["", "", "Z", " Z", "+01:00", "+0100", "+01", " UTC", "\tGMT", "  GMT", "+1", "-2359", " +12:3", "z", " CET"])
            return (minute, seconds(), rest)
        }
        func syslogDate() -> (String, String, String) {
            let minute =
                pick(["", "", "Wed ", "Sun ", "Xyz ", "wed "]) + pick(["Nov", "nov", "NOV", "Sep", "Sept", "Foo", "Dec"])
                + pick([" ", "  ", "-"]) + pick(["24", "5", " 5", "05", "31", "32", "0"]) + pick([" ", "  ", ""])
                + pick(["10", "9", " 9", "23", "24"]) + ":" + pick(["00", "59", "5"]) + ":"
            return (minute, seconds(), pick(["", "", ".123456", ".1234567", ",5"]) + pick(["", "", " 2026", " 2101", " 20261", " 1999"]))
        }
        let detectors = [try DateDetector(now: 1_795_600_000), try DateDetector(patterns: ["^{DATE}"], now: 1_795_600_000)]
        // Scratches kept from line to line, as a worker keeps its own: the byte parser's
        // memory of the last date's bytes (a date repeated on one to three lines, with
        // other text around it and mutated) is compared too.
        let keptScratch = detectors[0].makeScratch()
        let keptScratches = detectors.map { $0.makeScratch() }
        var decided = 0
        var firstDecided = 0
        var parsed = 0
        var date = ("", "", "")
        for n in 0..<20_000 {
            if n % 3 == 0 || Bool.random(using: &rng) {
                date = Bool.random(using: &rng) ? isoDate() : syslogDate()
            } else if Bool.random(using: &rng) {
                date.1 = seconds()
            }
            var line = Array(
                (pick(["", "", "", "[", "((", " ", "<", "x", "[[[", "\t"]) + date.0 + date.1 + date.2
                    + pick([" host sshd[1]: x", "", "x", "_y", ".", ":", "] y", " ", "7", ".5 x", " +0100 host", ",25 h"])).utf8)
            if Int.random(in: 0..<3, using: &rng) == 0, !line.isEmpty {
                let at = Int.random(in: 0..<line.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: line[at] = Array("0 9:-/.TZ+a\t".utf8).randomElement(using: &rng)!
                case 1: line.remove(at: at)
                default: line.insert(line[at], at: at)
                }
            }
            // A scan's date: the byte parser first, else the templates; the templates alone.
            do {
                let detector = detectors[0]
                var regexes = detector
                regexes.fast = nil
                let scratch = detector.makeScratch()
                let (fast, slow) = line.withUnsafeBufferPointer {
                    (detector.fast?.detect($0, civil: keptScratch.civil), regexes.detectTemplate($0, scratch: scratch)?.match)
                }
                if fast != nil { parsed += 1 }
                let text = String(decoding: line, as: UTF8.self)
                #expect(fast == nil || (fast?.range == slow?.range && fast?.time == slow?.time), "scan: \(text)")
            }
            for (detector, kept) in zip(detectors, keptScratches) {
                var regexes = detector
                regexes.decidedByReader = []
                let scratch = detector.makeScratch()
                // The first line's search (no template tried first), as a scan's
                // `^{DATE}` filter (recidive) searches every line.
                let (first, firstSlow) = line.withUnsafeBufferPointer {
                    (detector.detectTemplate($0, scratch: kept), regexes.detectTemplate($0, scratch: scratch))
                }
                if let first, detector.decidedByReader[first.template] != nil { firstDecided += 1 }
                let firstText = String(decoding: line, as: UTF8.self) + " (first line)"
                #expect(first?.template == firstSlow?.template && first?.start == firstSlow?.start, "\(firstText)")
                #expect(first?.match.range == firstSlow?.match.range && first?.match.time == firstSlow?.match.time, "\(firstText)")
                for t in detector.decidedByReader.indices where detector.decidedByReader[t] != nil {
                    let (fast, slow) = line.withUnsafeBufferPointer {
                        (
                            detector.detectTemplate($0, scratch: kept, last: (t, 0)),
                            regexes.detectTemplate($0, scratch: scratch, last: (t, 0))
                        )
                    }
                    if fast?.template == t { decided += 1 }
                    let text = String(decoding: line, as: UTF8.self)
                    #expect(fast?.template == slow?.template && fast?.start == slow?.start, "\(text) (template \(t))")
                    #expect(fast?.match.range == slow?.match.range && fast?.match.time == slow?.match.time, "\(text) (template \(t))")
                }
            }
        }
        // The byte parser read dates, often: the test compared it, not only the regexes.
        #expect(parsed > 2_000, "\(parsed) lines read by the byte parser")
        #expect(decided > 5_000, "\(decided) lines of a line-start template")
        #expect(firstDecided > 2_000, "\(firstDecided) first lines of a line-start template")
    }

    // Local time under a POSIX TZ rule (fail2ban's tests use CET-01CEST-02,M3.5.0,M10.5.0)
    // is exercised by the conformance suite, in a child process: changing TZ here would
    // race with other tests of this process.
}

/// Year inference anchored on each file's modification time (failscan's default).
@Suite struct YearAnchorTests {
    @Test func archiveSpanningNewYearGetsItsYearsFromTheFileTime() throws {
        setenv("TZ", "UTC", 1)
        tzset()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-year-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("auth.log.1").path
        let log = """
            Dec 31 23:59:50 host sshd[1]: Failed password for root from 192.0.2.1 port 1 ssh2
            Jan  1 00:00:10 host sshd[1]: Failed password for root from 192.0.2.1 port 1 ssh2
            """
        try (log + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        // The file was last written on 2024-01-02; it is read "now", on 2026-11-25.
        let modified = CivilTime.utc(2024, 1, 2, 0, 0, 0)
        var times = [timespec(tv_sec: modified, tv_nsec: 0), timespec(tv_sec: modified, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let detector = try DateDetector(patterns: [], now: 1795600000)
        let matcher = try FilterMatcher(FilterPatterns(failregex: ["Failed password for .* from <HOST>"]), dateCut: detector.dateCut)
        func run(_ anchor: YearAnchor) -> [Int] {
            var options = ScanOptions(threads: 1)
            options.yearAnchor = anchor
            var times: [Int] = []
            _ = Scan(matcher: matcher, detector: detector, options: options).run([.file(path)]) { times.append($0.time) }
            return times
        }
        #expect(run(.fileModificationTime) == [CivilTime.utc(2023, 12, 31, 23, 59, 50), CivilTime.utc(2024, 1, 1, 0, 0, 10)])
        // fail2ban's own rule, with now = 2026-11-25: both lines land in the wrong years.
        #expect(run(.fixedNow) == [CivilTime.utc(2025, 12, 31, 23, 59, 50), CivilTime.utc(2026, 1, 1, 0, 0, 10)])
    }
}
