import LogSource

#if canImport(Glibc)
    import Glibc
#endif

/// Local wall-clock time: year, month (1-12), day, hour, minute, second.
package typealias LocalDateTime = (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)

/// Converts calendar fields to Unix time, in local time (the process's `TZ`) or at a
/// fixed UTC offset.
///
/// fail2ban turns a date without zone into time with `time.mktime`, i.e. local time;
/// this does the same through the C library, caching the UTC offset per hour so that
/// the C call runs once per hour of log, not once per line. Each worker owns one (it
/// lives in its ``DateScratch``): no lock on the per-line path.
package final class CivilTime {
    // One per worker's date scratch, never shared: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var offsets: [Int: Int] = [:]
    /// The last hour looked up and its offset: log lines come in time order, so most
    /// dates fall in the hour before them (no dictionary lookup, no hashing).
    @exclusivity(unchecked) private var lastKey = Int.min
    @exclusivity(unchecked) private var lastOffset = 0
    /// The last day computed (year, month and day packed) and its day count.
    @exclusivity(unchecked) private var lastDate = -1
    @exclusivity(unchecked) private var lastDays = 0
    /// The bytes of the last date read by ``FastDateParser``, up to its minute (at most 22,
    /// as three masked words: the date up to its seconds is at most 24 bytes), the fields
    /// they gave, the date's length up to its seconds, and the parse that read it (the same
    /// bytes never read as both ISO and syslog, but a memory is only its parse's own).
    @exclusivity(unchecked) private var clockKey: (UInt64, UInt64, UInt64) = (0, 0, 0)
    @exclusivity(unchecked) private var clockMask: (UInt64, UInt64, UInt64) = (0, 0, 0)
    @exclusivity(unchecked) private var clockLength = 0
    /// nil: nothing remembered.
    @exclusivity(unchecked) private var clockFormat: FastDateParser.Format? = nil
    @exclusivity(unchecked) private var clockFields: LocalDateTime = (0, 0, 0, 0, 0, 0)

    package init() {}

    /// The fields of the date at `start` of `line` and its length up to its seconds, when
    /// its bytes up to its minute are the ones `format`'s parse remembered
    /// (``rememberClock(_:start:end:format:_:)``) and its seconds are what that parse takes:
    /// two digits, at most 61 (the lines of one minute are compared, not parsed).
    @inline(__always)
    func recallClock(_ line: UnsafeBufferPointer<UInt8>, at start: Int, format: FastDateParser.Format) -> (LocalDateTime, Int)? {
        guard clockFormat == format, start + 24 <= line.count, let base = line.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base + start)
        guard raw.loadUnaligned(as: UInt64.self) & clockMask.0 == clockKey.0,
            raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & clockMask.1 == clockKey.1,
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & clockMask.2 == clockKey.2
        else { return nil }
        let tens = base[start + clockLength - 2] &- 48
        let ones = base[start + clockLength - 1] &- 48
        guard tens < 10, ones < 10 else { return nil }
        var fields = clockFields
        fields.second = Int(tens) * 10 + Int(ones)
        guard fields.second <= 61 else { return nil }
        return (fields, clockLength)
    }

    /// Remembers the fields `format`'s parse read from `line[start..<end]`, a date whose
    /// last two bytes are its seconds (ignored when longer than 24 bytes, or when 24 bytes
    /// from `start` are not all in the line).
    @inline(__always)
    func rememberClock(
        _ line: UnsafeBufferPointer<UInt8>, start: Int, end: Int, format: FastDateParser.Format, _ fields: LocalDateTime
    ) {
        let length = end - start
        guard length > 2, length <= 24, start + 24 <= line.count, let base = line.baseAddress else { return }
        let raw = UnsafeRawPointer(base + start)
        let minute = length - 2
        func mask(_ word: Int) -> UInt64 {
            let bytes = min(max(minute - 8 * word, 0), 8)
            return bytes == 8 ? ~0 : (1 << UInt64(8 * bytes)) - 1
        }
        clockMask = (mask(0), mask(1), mask(2))
        clockKey = (
            raw.loadUnaligned(as: UInt64.self) & clockMask.0, raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & clockMask.1,
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & clockMask.2
        )
        clockLength = length
        clockFormat = format
        clockFields = fields
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    @inline(__always)
    package static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Unix time of a UTC wall-clock time.
    @inline(__always)
    package static func utc(_ y: Int, _ m: Int, _ d: Int, _ hh: Int, _ mm: Int, _ ss: Int) -> Int {
        daysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss
    }

    /// Unix time of a local wall-clock time (as `mktime` with `tm_isdst = -1`).
    package func local(_ y: Int, _ m: Int, _ d: Int, _ hh: Int, _ mm: Int, _ ss: Int) -> Int {
        let days: Int
        if y >= 0, m >= 1, m <= 12, d >= 1, d <= 31 {
            // Lines of a day in a row: its day count computed once.
            let date = y << 9 | m << 5 | d
            if date != lastDate { (lastDate, lastDays) = (date, Self.daysFromCivil(y, m, d)) }
            days = lastDays
        } else {
            days = Self.daysFromCivil(y, m, d)
        }
        let naive = days * 86400 + hh * 3600 + mm * 60 + ss
        let key = naive / 3600
        if key == lastKey { return naive - lastOffset }
        if let cached = offsets[key] {
            (lastKey, lastOffset) = (key, cached)
            return naive - cached
        }
        var t = tm()
        t.tm_year = Int32(y - 1900)
        t.tm_mon = Int32(m - 1)
        t.tm_mday = Int32(d)
        t.tm_hour = Int32(hh)
        t.tm_min = 0
        t.tm_sec = 0
        t.tm_isdst = -1
        let base = Int(mktime(&t))
        let offset = Self.utc(y, m, d, hh, 0, 0) - base
        offsets[key] = offset
        (lastKey, lastOffset) = (key, offset)
        return naive - offset
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    @inline(__always)
    package static func civilFromDays(_ z: Int) -> (year: Int, month: Int, day: Int) { CivilDays.date(fromDays: z) }

    /// The local calendar date and time of Unix time `t`.
    package static func localDateTime(_ t: Int) -> LocalDateTime {
        var time = time_t(t)
        var result = tm()
        localtime_r(&time, &result)
        return (
            Int(result.tm_year) + 1900, Int(result.tm_mon) + 1, Int(result.tm_mday),
            Int(result.tm_hour), Int(result.tm_min), Int(result.tm_sec)
        )
    }

    /// The local calendar year, month and day of Unix time `t`.
    package static func localDate(_ t: Int) -> (year: Int, month: Int, day: Int) {
        var time = time_t(t)
        var result = tm()
        localtime_r(&time, &result)
        return (Int(result.tm_year) + 1900, Int(result.tm_mon) + 1, Int(result.tm_mday))
    }
}

extension CivilTime {
    /// A time as a user gives it (`--since`, `--active-at`): Unix seconds, or a local
    /// `YYYY-MM-DD[THH:MM[:SS]]`; nil when it is neither.
    package static func parse(_ text: String) -> Int? {
        if let epoch = Int(text) { return epoch }
        let parts = text.split(whereSeparator: { "-T: ".contains($0) }).map { Int($0) }
        guard parts.count >= 3, parts.count <= 6, parts.allSatisfy({ $0 != nil }) else { return nil }
        let p = parts.map { $0! }
        let field = { (i: Int) in i < p.count ? p[i] : 0 }
        guard (1...9999).contains(p[0]), (1...12).contains(p[1]), (1...31).contains(p[2]),
            (0...23).contains(field(3)), (0...59).contains(field(4)), (0...60).contains(field(5))
        else { return nil }
        return CivilTime().local(p[0], p[1], p[2], field(3), field(4), field(5))
    }
}
