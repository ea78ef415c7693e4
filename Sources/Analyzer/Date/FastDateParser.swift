/// The fast path of date detection: the two most common default templates (ISO 8601
/// and syslog) at line start, parsed by hand from bytes instead of by regex. It accepts
/// exactly what fail2ban's line-begin anchored variants of those templates accept
/// (`^(?:\W{0,2})?` then the date then a word boundary), and TAI64N when asked.
struct FastDateParser: Sendable {
    typealias Match = DateDetector.Match
    private(set) var now: Int
    /// The local year of `now`, computed once (not per line).
    private(set) var nowYear: Int
    var tai64n: Bool

    init(now: Int, tai64n: Bool = false) {
        self.now = now
        self.nowYear = CivilTime.localDate(now).year
        self.tai64n = tai64n
    }

    /// Which of its templates a date was read by.
    enum Format: Equatable { case iso, syslog, tai64n }

    /// The format of `match`, a date this parser found in `line`.
    static func format(of match: Match, in line: UnsafeBufferPointer<UInt8>) -> Format {
        let first = line[match.range.lowerBound]
        return first.isDigitChar ? .iso : first == UInt8(ascii: "@") ? .tai64n : .syslog
    }

    mutating func setNow(_ now: Int) {
        self.now = now
        nowYear = CivilTime.localDate(now).year
    }

    /// The date at the start of `line`, or nil.
    @inline(__always)
    func detect(_ line: UnsafeBufferPointer<UInt8>, civil: CivilTime) -> Match? {
        var start = 0
        while true {
            if let match = parse(line, at: start, civil: civil) { return match }
            guard start < 2, start < line.count, !line[start].isWordChar else { return nil }
            start += 1
        }
    }

    @inline(__always)
    func parse(_ line: UnsafeBufferPointer<UInt8>, at start: Int, civil: CivilTime) -> Match? {
        guard start < line.count else { return nil }
        let c = line[start]
        if c.isDigitChar { return parseISO(line, at: start, civil: civil) }
        if c == UInt8(ascii: "@") { return tai64n ? parseTAI64N(line, at: start) : nil }
        return parseSyslog(line, at: start, civil: civil)
    }

    /// `(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?` then a word boundary.
    func parseSyslog(_ line: UnsafeBufferPointer<UInt8>, at start: Int, civil: CivilTime) -> Match? {
        var p = start
        guard let (_, month, day, hh, mm, ss) = Self.clock(line, &p, civil: civil, format: .syslog, by: Self.syslogClock) else {
            return nil
        }
        let seconds = p
        Self.fraction(line, &p, separators: [UInt8(ascii: ".")])
        var year: Int? = nil
        if p + 5 <= line.count, line[p] == 32 {
            var q = p + 1
            if let y = Self.number(line, &q, maxDigits: 4), q - p == 5, y >= 2000, y < 2100, Self.boundary(line, q) {
                year = y
                p = q
            }
        }
        // The regex gives the fraction back when nothing after it ends at a word boundary:
        // the date then ends with its seconds, before the `.`.
        if !Self.boundary(line, p) {
            guard p > seconds else { return nil }
            p = seconds
            year = nil
        }
        let time: Int
        if let year {
            time = civil.local(year, month, day, hh, mm, ss)
        } else {
            time = inferYear(month: month, day: day, hh, mm, ss, civil: civil)
        }
        return Match(range: start..<p, time: time)
    }

    /// fail2ban's rule: this year, unless that is more than a day ahead of now.
    func inferYear(month: Int, day: Int, _ hh: Int, _ mm: Int, _ ss: Int, civil: CivilTime) -> Int {
        let year = nowYear
        let candidate = civil.local(year, month, day, hh, mm, ss)
        if candidate > now + 86400 { return civil.local(year - 1, month, day, hh, mm, ss) }
        return candidate
    }

    /// `%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\s*%z)?`
    func parseISO(_ line: UnsafeBufferPointer<UInt8>, at start: Int, civil: CivilTime) -> Match? {
        var p = start
        guard let (year, month, day, hh, mm, ss) = Self.clock(line, &p, civil: civil, format: .iso, by: Self.isoClock) else { return nil }
        let seconds = p
        Self.fraction(line, &p, separators: [UInt8(ascii: "."), UInt8(ascii: ",")])
        var offset: Int? = nil
        var q = p
        while q < line.count, line[q] == 32 || line[q] == 9 { q += 1 }
        if let (zone, end) = Self.zone(line, q) {
            offset = zone
            p = end
        }
        // As the regex backtracks: no zone ends at a boundary, nor the fraction: the date
        // ends with its seconds (the next byte is the fraction's `.` or `,`).
        if !Self.boundary(line, p) {
            guard p > seconds, offset == nil else { return nil }
            p = seconds
        }
        let time = offset.map { CivilTime.utc(year, month, day, hh, mm, ss) - $0 } ?? civil.local(year, month, day, hh, mm, ss)
        return Match(range: start..<p, time: time)
    }

    /// The date in front of a journal line (``JournalReader``):
    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM` and a space, all of it cut. Its time is the
    /// wall-clock time read as local time, zone ignored: fail2ban's
    /// `time.mktime(date.timetuple())` of python-systemd's fixed-offset date.
    static func parseJournal(_ line: UnsafeBufferPointer<UInt8>, civil: CivilTime) -> Match? {
        var p = 0
        guard let year = number(line, &p, maxDigits: 4), p == 4, p < line.count, line[p] == UInt8(ascii: "-") else { return nil }
        p += 1
        guard let month = number(line, &p, maxDigits: 2), p == 7, p < line.count, line[p] == UInt8(ascii: "-") else { return nil }
        p += 1
        guard let day = number(line, &p, maxDigits: 2), p == 10, p < line.count, line[p] == UInt8(ascii: "T") else { return nil }
        p += 1
        guard let (hh, mm, ss) = clock(line, &p) else { return nil }
        var microseconds = 0
        if p < line.count, line[p] == UInt8(ascii: ".") {
            p += 1
            let start = p
            guard let value = number(line, &p, maxDigits: 6), p - start == 6 else { return nil }
            microseconds = value
        }
        while p < line.count, line[p] != 32 { p += 1 }
        guard p < line.count else { return nil }
        return Match(range: 0..<(p + 1), time: civil.local(year, month, day, hh, mm, ss), microseconds: microseconds)
    }

    /// TAI64N: `@` and 24 hex digits; the seconds are characters 2...16 (fail2ban's `value[2:17]`).
    func parseTAI64N(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> Match? {
        guard start + 25 <= line.count else { return nil }
        var seconds = 0
        for i in 1...24 {
            let c = line[start + i]
            let v: Int
            switch c {
            case 48...57: v = Int(c) - 48
            case 97...102: v = Int(c) - 87
            default: return nil
            }
            if i >= 2 && i <= 16 { seconds = seconds * 16 + v }
        }
        guard Self.boundary(line, start + 25) else { return nil }
        return Match(range: start..<(start + 25), time: seconds)
    }

    // MARK: - Field parsers

    static let months: [(UInt8, UInt8, UInt8)] = [
        (0x6a, 0x61, 0x6e), (0x66, 0x65, 0x62), (0x6d, 0x61, 0x72), (0x61, 0x70, 0x72),
        (0x6d, 0x61, 0x79), (0x6a, 0x75, 0x6e), (0x6a, 0x75, 0x6c), (0x61, 0x75, 0x67),
        (0x73, 0x65, 0x70), (0x6f, 0x63, 0x74), (0x6e, 0x6f, 0x76), (0x64, 0x65, 0x63),
    ]
    static let weekdays: [(UInt8, UInt8, UInt8)] = [
        (0x6d, 0x6f, 0x6e), (0x74, 0x75, 0x65), (0x77, 0x65, 0x64), (0x74, 0x68, 0x75),
        (0x66, 0x72, 0x69), (0x73, 0x61, 0x74), (0x73, 0x75, 0x6e),
    ]

    @inline(__always)
    static func lowerTriple(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> (UInt8, UInt8, UInt8)? {
        guard p + 3 <= line.count else { return nil }
        return (line[p] | 0x20, line[p + 1] | 0x20, line[p + 2] | 0x20)
    }

    static func month(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int? {
        guard let t = lowerTriple(line, p) else { return nil }
        for (i, m) in months.enumerated() where m == t { return i + 1 }
        return nil
    }

    static func weekday(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int? {
        guard let t = lowerTriple(line, p) else { return nil }
        for (i, d) in weekdays.enumerated() where d == t { return i }
        return nil
    }

    /// The wall-clock fields of a date at `p`, up to its seconds (`p` moved past them):
    /// recalled when its bytes up to its minute are the last date's that `parse` (of
    /// `format`) read, its seconds read here (the lines of one minute, most of a
    /// log's, are compared, not parsed), else read by `parse` and remembered. What `parse`
    /// reads is decided by these bytes alone, left to right, and it ends with the seconds'
    /// two digits (at most 61), so the two agree.
    @inline(__always)
    static func clock(
        _ line: UnsafeBufferPointer<UInt8>, _ p: inout Int, civil: CivilTime, format: Format,
        by parse: (UnsafeBufferPointer<UInt8>, inout Int) -> LocalDateTime?
    ) -> LocalDateTime? {
        let start = p
        if let (fields, length) = civil.recallClock(line, at: start, format: format) {
            p += length
            return fields
        }
        guard let fields = parse(line, &p) else { return nil }
        civil.rememberClock(line, start: start, end: p, format: format, fields)
        return fields
    }

    /// `%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S` at `p`.
    static func isoClock(_ line: UnsafeBufferPointer<UInt8>, _ p: inout Int) -> LocalDateTime? {
        let start = p
        guard let year = number(line, &p, maxDigits: 4), p - start == 4, year >= 2000, year < 2100 else { return nil }
        guard p < line.count else { return nil }
        let separator = line[p]
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") else { return nil }
        p += 1
        guard let month = number(line, &p, maxDigits: 2), month >= 1, month <= 12,
            p < line.count, line[p] == separator
        else { return nil }
        p += 1
        guard let day = number(line, &p, maxDigits: 2), day >= 1, day <= 31, p < line.count else { return nil }
        if line[p] == UInt8(ascii: "T") {
            p += 1
        } else if line[p] == 32 {
            p += 1
            if p < line.count, line[p] == 32 { p += 1 }
        } else {
            return nil
        }
        guard let (hh, mm, ss) = clock(line, &p) else { return nil }
        return (year, month, day, hh, mm, ss)
    }

    /// `(?:%a )?%b %d %k:%M:%S` at `p` (no year: 0).
    static func syslogClock(_ line: UnsafeBufferPointer<UInt8>, _ p: inout Int) -> LocalDateTime? {
        if Self.weekday(line, p) != nil, p + 3 < line.count, line[p + 3] == 32 { p += 4 }
        guard let month = Self.month(line, p) else { return nil }
        p += 3
        guard p < line.count, line[p] == 32 else { return nil }
        p += 1
        // %d: "5", "05", " 5" (syslog pads with a space; `[0 ]?[1-9]`: one digit after it).
        let padded = p < line.count && line[p] == 32
        if padded { p += 1 }
        let d0 = p
        guard let day = number(line, &p, maxDigits: 2), day >= 1, day <= 31, !padded || p - d0 == 1 else { return nil }
        guard p < line.count, line[p] == 32 else { return nil }
        p += 1
        if p < line.count, line[p] == 32 { p += 1 } // %k may be space padded
        guard let (hh, mm, ss) = clock(line, &p) else { return nil }
        return (0, month, day, hh, mm, ss)
    }

    @inline(__always)
    static func number(_ line: UnsafeBufferPointer<UInt8>, _ p: inout Int, maxDigits: Int) -> Int? {
        var value = 0, digits = 0
        while p < line.count, digits < maxDigits, line[p].isDigitChar {
            value = value * 10 + Int(line[p] - 48)
            p += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    static func clock(_ line: UnsafeBufferPointer<UInt8>, _ p: inout Int) -> (Int, Int, Int)? {
        guard let hh = number(line, &p, maxDigits: 2), hh < 24, p < line.count, line[p] == UInt8(ascii: ":") else { return nil }
        p += 1
        let m0 = p
        guard let mm = number(line, &p, maxDigits: 2), p - m0 == 2, mm < 60, p < line.count, line[p] == UInt8(ascii: ":") else {
            return nil
        }
        p += 1
        let s0 = p
        guard let ss = number(line, &p, maxDigits: 2), p - s0 == 2, ss <= 61 else { return nil }
        return (hh, mm, ss)
    }

    /// `[.,]%f` (`[0-9]{1,6}`): a run of more than six digits is no fraction (the regex
    /// can end none of its lengths at a word boundary).
    static func fraction(_ line: UnsafeBufferPointer<UInt8>, _ p: inout Int, separators: [UInt8]) {
        guard p + 1 < line.count, separators.contains(line[p]), line[p + 1].isDigitChar else { return }
        var q = p + 1
        while q < line.count, line[q].isDigitChar { q += 1 }
        if q - p - 1 <= 6 { p = q }
    }

    /// `%z` (`Z|UTC|GMT|[+-][01]\d(?::?\d{2})?`) at `p`, the longest form that ends at a
    /// word boundary, as the regex backtracks: seconds east of UTC and where it ends.
    static func zone(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> (Int, Int)? {
        guard p < line.count else { return nil }
        let c = line[p]
        if c == UInt8(ascii: "Z") { return boundary(line, p + 1) ? (0, p + 1) : nil }
        if p + 3 <= line.count {
            let t = (line[p], line[p + 1], line[p + 2])
            if t == (0x55, 0x54, 0x43) || t == (0x47, 0x4d, 0x54) { return boundary(line, p + 3) ? (0, p + 3) : nil }
        }
        guard c == UInt8(ascii: "+") || c == UInt8(ascii: "-"), p + 3 <= line.count, line[p + 1] == 48 || line[p + 1] == 49,
            line[p + 2].isDigitChar
        else { return nil }
        let sign = c == UInt8(ascii: "-") ? -1 : 1
        let hh = Int(line[p + 1] - 48) * 10 + Int(line[p + 2] - 48)
        // `:?\d{2}`: with the colon, else without; then the hours alone.
        var q = p + 3
        if q < line.count, line[q] == UInt8(ascii: ":") { q += 1 }
        if q + 2 <= line.count, line[q].isDigitChar, line[q + 1].isDigitChar, boundary(line, q + 2) {
            let mm = Int(line[q] - 48) * 10 + Int(line[q + 1] - 48)
            return (sign * (hh * 3600 + mm * 60), q + 2)
        }
        return boundary(line, p + 3) ? (sign * hh * 3600, p + 3) : nil
    }

    /// fail2ban's word-end `(?=\b|\W|$)` after a date ending in a digit or letter: the next
    /// byte must not be a word byte.
    @inline(__always)
    static func boundary(_ line: UnsafeBufferPointer<UInt8>, _ p: Int) -> Bool {
        p >= line.count || !line[p].isWordChar
    }
}

extension UInt8 {
    @inline(__always) var isDigitChar: Bool { self >= 48 && self <= 57 }
    @inline(__always) var isWordChar: Bool {
        (self >= 48 && self <= 57) || (self >= 65 && self <= 90) || (self >= 97 && self <= 122) || self == 95 || self >= 0x80
    }
}
