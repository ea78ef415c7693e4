import Foundation

/// fail2ban's time values (`bantime = 10m`, `findtime = 1h 30m`, `-1`), in seconds.
///
/// Corresponds to fail2ban's `server/mytime.py str2seconds`: a number, or numbers with
/// units (s, m/min, h, d, w, mo/month = a year / 12, y = 365.25 days), summed; `-1`
/// means forever.
package enum Duration {
    /// The longest time failscan takes: 100 years, in seconds. Longer values (and values
    /// that do not fit a 64-bit count at all) are refused rather than overflowing.
    package static let maximum = 3_155_760_000
    static let units: [(names: [String], seconds: Double)] = [
        (["days", "day", "da", "dd", "d"], 86400),
        (["weeks", "week", "wee", "we", "ww", "w"], 7 * 86400),
        (["months", "month", "mon", "mo"], (365 * 3 + 366) * 86400 / 4 / 12),
        (["years", "year", "yea", "ye", "yy", "y"], (365 * 3 + 366) * 86400 / 4),
        (["seconds", "second", "sec", "se", "ss", "s"], 1),
        (["minutes", "minute", "min", "mi", "mm", "m"], 60),
        (["hours", "hour", "hou", "ho", "hh", "h"], 3600),
    ]

    /// Parses `text`, or returns nil when it is not a duration.
    package static func seconds(_ text: String) -> Int? {
        let lower = text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !lower.isEmpty else { return nil }
        if let plain = Int(lower) { return plain.magnitude <= UInt(maximum) ? plain : nil }
        var total = 0.0
        var rest = Substring(lower)
        while !rest.isEmpty {
            while let c = rest.first, c == " " || c == "+" { rest = rest.dropFirst() }
            if rest.isEmpty { break }
            var sign = 1.0
            if rest.first == "-" {
                sign = -1
                rest = rest.dropFirst()
            }
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            while rest.first == " " { rest = rest.dropFirst() }
            let word = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(word.count)
            if word.isEmpty {
                total += sign * value
                continue
            }
            guard let unit = units.first(where: { $0.names.contains(String(word)) }) else { return nil }
            total += sign * value * unit.seconds
        }
        guard total.isFinite, total.magnitude <= Double(maximum) else { return nil }
        return Int(total.rounded())
    }
}
