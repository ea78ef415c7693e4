import OutputBasics

/// One matched line, as `failscan regex --json` prints it.
package struct MatchedLineRow: Encodable, Sendable {
    package var file: String
    /// 1-based.
    package var line: Int
    /// Unix seconds.
    package var time: Int
    /// The address or other failure id.
    package var ip: String
    /// 1-based, as fail2ban-regex numbers failregexes.
    package var failregex: Int
    package var fields: Fields

    /// Captured fields; `users` and `attempts` for multi-line failures.
    package struct Fields: Encodable, Sendable {
        package var values: [String: String]

        package init(values: [String: String]) { self.values = values }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in values {
                switch key {
                case "users": try container.encode(value.split(separator: "\u{1f}").map(String.init), forKey: Key(key))
                case "attempts": try container.encode(Int(value) ?? 0, forKey: Key(key))
                default: try container.encode(value, forKey: Key(key))
                }
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    package init(file: String, line: Int, time: Int, ip: String, failregex: Int, fields: Fields) {
        self.file = file
        self.line = line
        self.time = time
        self.ip = ip
        self.failregex = failregex
        self.fields = fields
    }

    /// Appends the row's JSON object (without a newline): the bytes `JSONEncoder` writes
    /// with sorted keys and unescaped slashes (tested against it), several times faster.
    package func writeJSON(to out: inout [UInt8]) {
        JSONText.object(to: &out) { o in
            o.int("failregex", failregex)
            o.object("fields") { f in
                for (key, value) in fields.values.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }) {
                    switch key {
                    case "users": f.strings(key, value.split(separator: "\u{1f}").map(String.init))
                    case "attempts": f.int(key, Int(value) ?? 0)
                    default: f.string(key, value)
                    }
                }
            }
            o.string("file", file)
            o.string("ip", ip)
            o.int("line", line)
            o.int("time", time)
        }
    }
}
