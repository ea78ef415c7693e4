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
        out.append(UInt8(ascii: "{"))
        JSONText.key("failregex", to: &out)
        JSONText.int(failregex, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("fields", to: &out)
        out.append(UInt8(ascii: "{"))
        for (n, (key, value)) in fields.values.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.string(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch key {
            case "users": JSONText.strings(value.split(separator: "\u{1f}").map(String.init), to: &out)
            case "attempts": JSONText.int(Int(value) ?? 0, to: &out)
            default: JSONText.string(value, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: ","))
        JSONText.key("file", to: &out)
        JSONText.string(file, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("ip", to: &out)
        JSONText.string(ip, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("line", to: &out)
        JSONText.int(line, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("time", to: &out)
        JSONText.int(time, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
