import Fail2banConfig

/// The strptime fields fail2ban's date patterns use, as PCRE2 regexes with named groups.
///
/// Corresponds to `timeRE` in fail2ban's `server/strptime.py`, which starts from Python's
/// `_strptime.TimeRE` (C locale) and overrides several fields; the `Ex` fields are the
/// exact (zero-padded) variants. Year regexes accept 20xx, as fail2ban's do around now.
enum TimePatterns {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let fullMonths = [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ]
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let fullWeekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func alternation(_ names: [String]) -> String {
        names.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }.joined(separator: "|")
    }

    static let tzAbbreviation = "[A-Z](?:[A-Z]{2,4})?"

    static let fields: [String: String] = [
        "a": "(?P<a>\(alternation(weekdays)))",
        "A": "(?P<A>\(alternation(fullWeekdays)))",
        "b": "(?P<b>\(alternation(months)))",
        "B": "(?P<B>\(alternation(fullMonths)))",
        "d": #"(?P<d>[1-2]\d|[0 ]?[1-9]|3[0-1])"#,
        "f": #"(?P<f>[0-9]{1,6})"#,
        "H": #"(?P<H>[0-1]?\d|2[0-3])"#,
        "I": #"(?P<I>1[0-2]|0[1-9]|[1-9])"#,
        "j": #"(?P<j>36[0-6]|3[0-5]\d|[1-2]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])"#,
        "k": #" ?(?P<H>[0-2]?\d)"#,
        "l": #" ?(?P<I>1?\d)"#,
        "m": #"(?P<m>0?[1-9]|1[0-2])"#,
        "M": #"(?P<M>[0-5]?\d)"#,
        "p": "(?P<p>am|pm)",
        "S": #"(?P<S>[0-5]?\d|6[0-1])"#,
        "U": #"(?P<U>5[0-3]|[0-4]\d|\d)"#,
        "w": "(?P<w>[0-6])",
        "W": #"(?P<W>5[0-3]|[0-4]\d|\d)"#,
        "y": #"(?P<y>\d\d)"#,
        "Y": #"(?P<Y>\d{4})"#,
        "z": #"(?P<z>Z|UTC|GMT|[+-][01]\d(?::?\d{2})?)"#,
        "Z": "(?P<Z>Z|[A-Z]{3,5})",
        "%": "%",
        "ExZ": "(?P<Z>\(tzAbbreviation))",
        "Exz": "(?P<z>(?:\(tzAbbreviation))?[+-][01]\\d(?::?\\d{2})?|\(tzAbbreviation))",
        "Exd": #"(?P<d>[1-2]\d|0[1-9]|3[0-1])"#,
        "Exm": #"(?P<m>0[1-9]|1[0-2])"#,
        "ExH": #"(?P<H>[0-1]\d|2[0-3])"#,
        "Exk": #" ?(?P<H>[0-1]?\d|2[0-3])"#,
        "Exl": #" ?(?P<I>1[0-2]|\d)"#,
        "ExM": #"(?P<M>[0-5]\d)"#,
        "ExS": #"(?P<S>[0-5]\d|6[0-1])"#,
        "ExY": #"(?P<Y>20\d\d)"#,
        "Exy": #"(?P<y>\d{2})"#,
    ]

    /// Field names longest first, so that `%ExY` wins over `%E`.
    static let keys: [String] = fields.keys.sorted { $0.count > $1.count }

    /// Replaces every `%field` of a fail2ban date pattern by its regex.
    /// - Returns: the regex and whether it needs case-insensitive matching (names of
    ///   months, weekdays or AM/PM), as fail2ban adds `(?iu)` then.
    /// - Throws: `ConfigError` for a `%` directive fail2ban does not know (`%Q`).
    static func expand(_ pattern: String) throws(ConfigError) -> (regex: String, caseless: Bool) {
        var out = ""
        var caseless = false
        var rest = Substring(pattern)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if let key = keys.first(where: { after.hasPrefix($0) }) {
                out += fields[key]!
                if ["a", "A", "b", "B", "p"].contains(key) { caseless = true }
                rest = after.dropFirst(key.count)
            } else if let next = after.first, next.isASCII, next.isLetter {
                throw ConfigError("datepattern \(pattern): unknown directive %\(after.prefix(next == "E" ? 3 : 1))")
            } else {
                out += "%"
                rest = after
            }
        }
        out += rest
        return (out, caseless)
    }

    /// Time-zone abbreviations and their UTC offsets in minutes (a subset of the table in
    /// fail2ban's strptime.py: the zones seen in logs).
    static let zoneOffsets: [String: Int] = [
        "Z": 0, "UTC": 0, "GMT": 0, "WET": 0, "UT": 0,
        "CET": 60, "WEST": 60, "BST": 60, "WAT": 60,
        "CEST": 120, "EET": 120, "CAT": 120, "SAST": 120, "IST": 120,
        "EEST": 180, "MSK": 180, "EAT": 180,
        "GST": 240, "PKT": 300, "ICT": 420, "WIB": 420,
        "CST": -360, "HKT": 480, "SGT": 480, "AWST": 480, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
        "EST": -300, "EDT": -240, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
        "AKST": -540, "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180, "NST": -210, "BRT": -180, "ART": -180,
    ]

    /// A zone text (`Z`, `UTC`, `+0100`, `-05:00`, `CET`, `CET+1`) as minutes east of UTC.
    static func offset(ofZone zone: String) -> Int? {
        if let fixed = zoneOffsets[zone] { return fixed }
        var abbreviation = ""
        var rest = Substring(zone)
        while let c = rest.first, c.isUppercase {
            abbreviation.append(c)
            rest = rest.dropFirst()
        }
        var base = 0
        if !abbreviation.isEmpty {
            guard let known = zoneOffsets[abbreviation] else { return nil }
            base = known
        }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return rest.isEmpty ? base : nil }
        let digits = rest.dropFirst().filter { $0 != ":" }
        guard let value = Int(digits), !digits.isEmpty, digits.count <= 4, digits.count != 3 else { return nil }
        let (hours, extra) = digits.count <= 2 ? (value, 0) : (value / 100, value % 100)
        guard hours <= 23, extra <= 59 else { return nil }
        let minutes = hours * 60 + extra
        return base + (sign == "-" ? -minutes : minutes)
    }
}
