import OutputBasics

/// A group's JSON line written (with ``JSONText``) and read by hand: the same text
/// `JSONEncoder` writes with sorted keys (and reads back), at a fraction of the cost (perf: decoding groups with
/// `JSONDecoder` was 43% of a reduce). Lines the fast reader does not take (a string with
/// an escape, a key it does not know) go to `JSONDecoder`.
extension LedgerGroup {
    /// Appends the group's line (without the newline).
    func write(to out: inout [UInt8]) {
        JSONText.object(to: &out) { o in
            o.int("f", f)
            o.string("i", i)
            o.int("j", j)
            o.string("k", k)
            o.ints("l", l)
            if let r { o.ints("r", r) }
            o.int("r0", r0)
            o.ints("t", t)
            if let u { o.strings("u", u) }
        }
    }

    /// Reads a line the fast way; nil when it holds something the fast reader does not take.
    static func parse(_ line: [UInt8]) -> LedgerGroup? {
        var reader = Reader(bytes: line)
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        var f: Int?, i: String?, j: Int?, k: String?, l: [Int]?, r: [Int]?, r0: Int?, t: [Int]?, u: [String]?
        repeat {
            guard let key = reader.string(), reader.take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "f": f = reader.int()
            case "i": i = reader.string()
            case "j": j = reader.int()
            case "k": k = reader.string()
            case "l": l = reader.ints()
            case "r": r = reader.ints()
            case "r0": r0 = reader.int()
            case "t": t = reader.ints()
            case "u": u = reader.strings()
            default: return nil
            }
            if reader.failed { return nil }
        } while reader.take(UInt8(ascii: ","))
        guard reader.take(UInt8(ascii: "}")), reader.atEnd, let f, let i, let j, let k, let l, let r0, let t else { return nil }
        return LedgerGroup(j: j, k: k, i: i, f: f, t: t, l: l, r: r, r0: r0, u: u)
    }

    struct Reader {
        let bytes: [UInt8]
        var at = 0
        var failed = false

        var atEnd: Bool { at == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func int() -> Int? {
            var negative = false
            if take(UInt8(ascii: "-")) { negative = true }
            var value = 0, digits = 0
            while at < bytes.count, bytes[at] &- 48 < 10 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int(bytes[at] - 48))
                guard !o1, !o2 else {
                    failed = true
                    return nil
                }
                value = s
                at += 1
                digits += 1
            }
            guard digits > 0 else {
                failed = true
                return nil
            }
            return negative ? -value : value
        }

        /// A string without escapes (one with a backslash is left to JSONDecoder).
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else {
                failed = true
                return nil
            }
            let start = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
                if bytes[at] == UInt8(ascii: "\\") {
                    failed = true
                    return nil
                }
                at += 1
            }
            guard at < bytes.count else {
                failed = true
                return nil
            }
            let text = String(decoding: bytes[start..<at], as: UTF8.self)
            at += 1
            return text
        }

        mutating func ints() -> [Int]? { list { $0.int() } }

        mutating func strings() -> [String]? { list { $0.string() } }

        /// `[a,b,...]` of elements read by `element`.
        mutating func list<T>(_ element: (inout Reader) -> T?) -> [T]? {
            guard take(UInt8(ascii: "[")) else {
                failed = true
                return nil
            }
            var values: [T] = []
            if take(UInt8(ascii: "]")) { return values }
            repeat {
                guard let value = element(&self) else { return nil }
                values.append(value)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else {
                failed = true
                return nil
            }
            return values
        }
    }
}
