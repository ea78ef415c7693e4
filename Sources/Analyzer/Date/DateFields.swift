import Fail2banConfig
import Matcher

#if canImport(Glibc)
    import Glibc
#endif

/// Calendar fields found by a template, and fail2ban's rules for turning them into time.
struct DateFields {
    var year: Int?, month: Int?, day: Int?
    var hour = 0, minute = 0, second = 0
    var julian: Int?
    var zoneMinutes: Int?

    /// Corresponds to the end of fail2ban's `reGroupDictStrptime`.
    /// - Parameter today: `now` as local wall-clock time (the detector keeps it: a
    ///   `localtime_r` per line was a tenth of a recidive run).
    func time(today: LocalDateTime, defaultZone: Int?, civil: CivilTime) -> Int? {
        var year = self.year, month = self.month, day = self.day
        var assumeYear = false
        if year == nil {
            year = today.year
            assumeYear = true
        }
        if month == nil || day == nil, let julian {
            let days = CivilTime.daysFromCivil(year!, 1, 1) + julian - 1
            let date = CivilTime.civilFromDays(days)
            (year, month, day) = (date.year, date.month, date.day)
        }
        var assumeToday = false
        if month == nil && day == nil {
            month = today.month
            day = today.day
            assumeToday = true
        }
        guard var y = year, let m = month, let d = day, (1...12).contains(m), (1...31).contains(d),
            hour < 24, minute < 60, second <= 61
        else { return nil }
        let zone = zoneMinutes ?? defaultZone
        // fail2ban compares the (zone-shifted) naive date with local naive "now".
        let nowNaive = CivilTime.utc(today.year, today.month, today.day, today.hour, today.minute, today.second)
        func naive(_ y: Int) -> Int { CivilTime.utc(y, m, d, hour, minute, second) - (zone ?? 0) * 60 }
        var value = naive(y)
        if assumeToday, value > nowNaive { value -= 86400 }
        if assumeYear, value > nowNaive + 86400 {
            y -= 1
            value = naive(y)
        }
        if zone != nil { return value }
        // Local time: the naive value read as local wall-clock time.
        let wall = CivilTime.civilFromDays(Int((Double(value) / 86400).rounded(.down)))
        let secondsOfDay = value - CivilTime.daysFromCivil(wall.year, wall.month, wall.day) * 86400
        return civil.local(wall.year, wall.month, wall.day, secondsOfDay / 3600, secondsOfDay / 60 % 60, secondsOfDay % 60)
    }
}
