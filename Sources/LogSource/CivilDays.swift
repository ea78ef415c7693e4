/// Day counts since 1970-01-01 to proleptic Gregorian dates (Howard Hinnant's algorithm):
/// the journal's dates are written with it, log dates read with it (`CivilTime`).
package enum CivilDays {
    /// The date of a day count since 1970-01-01.
    @inlinable
    package static func date(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
