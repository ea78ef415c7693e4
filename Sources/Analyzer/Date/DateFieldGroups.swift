import Matcher

/// The group numbers of a date template's strptime fields (`%Y` is group `Y`, …), and
/// the reading of their values straight from the line's bytes.
///
/// (perf on recidive, whose `datepattern = ^{DATE}` has no byte parser: looking groups up
/// by name and making a `String` of each field was a third of the run.)
struct DateFieldGroups: Sendable {
    let Y: Int?, y: Int?, m: Int?, b: Int?, B: Int?, d: Int?, H: Int?, I: Int?, p: Int?
    let M: Int?, S: Int?, j: Int?, z: Int?, Z: Int?

    init(_ numbers: [String: Int]) {
        Y = numbers["Y"]
        y = numbers["y"]
        m = numbers["m"]
        b = numbers["b"]
        B = numbers["B"]
        d = numbers["d"]
        H = numbers["H"]
        I = numbers["I"]
        p = numbers["p"]
        M = numbers["M"]
        S = numbers["S"]
        j = numbers["j"]
        z = numbers["z"]
        Z = numbers["Z"]
    }

    static let monthBytes = TimePatterns.months.map { Array($0.utf8) }
    static let fullMonthBytes = TimePatterns.fullMonths.map { Array($0.utf8) }

    /// The calendar fields of the template's last match in `line`, as `Int(text)` (or
    /// `Int(text.trimmingSpaces)` for day and hours) would read them.
    func read(_ line: UnsafeBufferPointer<UInt8>, _ scratch: PCRE2Scratch) -> DateFields {
        func bytes(_ group: Int?) -> Slice<UnsafeBufferPointer<UInt8>>? {
            guard let group, let range = scratch.range(ofGroup: group) else { return nil }
            return line[range]
        }
        func number(_ group: Int?, trim: Bool = false) -> Int? {
            guard var text = bytes(group) else { return nil }
            if trim {
                while let first = text.first, first == 32 || first == 9 || first == 10 { text = text.dropFirst() }
                while let last = text.last, last == 32 || last == 9 || last == 10 { text = text.dropLast() }
            }
            guard !text.isEmpty, text.count <= 18 else { return nil }
            var value = 0
            for byte in text {
                guard byte &- 48 < 10 else { return nil }
                value = value * 10 + Int(byte &- 48)
            }
            return value
        }
        func monthIndex(_ group: Int?, _ names: [[UInt8]]) -> Int?? {
            guard let text = bytes(group) else { return nil }
            let lower = text.map { $0 &- 65 < 26 ? $0 | 0x20 : $0 }
            return .some(names.firstIndex(of: lower).map { $0 + 1 })
        }
        var fields = DateFields()
        if let v = number(Y) { fields.year = v } else if bytes(Y) != nil { fields.year = nil }
        if let v = number(y) { fields.year = v <= 2000 ? v + 2000 : v }
        if m != nil, bytes(m) != nil { fields.month = number(m) }
        if let month = monthIndex(b, Self.monthBytes) { fields.month = month }
        if let month = monthIndex(B, Self.fullMonthBytes) { fields.month = month }
        if bytes(d) != nil { fields.day = number(d, trim: true) }
        if bytes(H) != nil { fields.hour = number(H, trim: true) ?? 0 }
        if bytes(I) != nil, var hour = number(I, trim: true) {
            let ampm = bytes(p).map { String(decoding: $0, as: UTF8.self).lowercased() } ?? ""
            if ampm == "pm" { if hour != 12 { hour += 12 } } else if hour == 12 { hour = 0 }
            fields.hour = hour
        }
        if bytes(M) != nil { fields.minute = number(M) ?? 0 }
        if bytes(S) != nil { fields.second = number(S) ?? 0 }
        if bytes(j) != nil { fields.julian = number(j) }
        // Two calls, not a loop over `[z, Z]`: 2.7M fewer instructions on 8 MB of
        // fail2ban.log (callgrind), where recidive reads every date through these fields.
        func readZone(_ group: Int?) {
            if let text = bytes(group), let offset = TimePatterns.offset(ofZone: String(decoding: text, as: UTF8.self)) {
                fields.zoneMinutes = offset
            }
        }
        readZone(z)
        readZone(Z)
        return fields
    }
}
