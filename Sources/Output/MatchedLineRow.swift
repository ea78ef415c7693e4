import OutputBasics

/// One matched line, as `failscan regex --json` prints it.
public struct MatchedLineRow: Encodable, Sendable {
    public var file: String
    /// 1-based.
    public var line: Int
    /// Unix seconds.
    public var time: Int
    /// The address or other failure id.
    public var ip: String
    /// 1-based, as fail2ban-regex numbers failregexes.
    public var failregex: Int
    public var fields: Fields

    /// Captured fields; `users` and `attempts` for multi-line failures.
    public struct Fields: Encodable, Sendable {
        public var values: [String: String]

        public init(values: [String: String]) { self.values = values }

        public func encode(to encoder: any Encoder) throws {
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

    public init(file: String, line: Int, time: Int, ip: String, failregex: Int, fields: Fields) {
        self.file = file
        self.line = line
        self.time = time
        self.ip = ip
        self.failregex = failregex
        self.fields = fields
    }

    /// Appends the row's JSON object (without a newline): the bytes `JSONEncoder` writes
    /// with sorted keys and unescaped slashes (tested against it), several times faster.
    public func writeJSON(to out: inout [UInt8]) {
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
