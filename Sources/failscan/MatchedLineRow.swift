import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import LogSource
import Matcher

/// One matched line, as `failscan regex --json` prints it.
struct MatchedLineRow: Encodable {
    var file: String
    /// 1-based.
    var line: Int
    /// Unix seconds.
    var time: Int
    /// The address or other failure id.
    var ip: String
    /// 1-based, as fail2ban-regex numbers failregexes.
    var failregex: Int
    var fields: Fields

    /// Captured fields; `users` and `attempts` for multi-line failures.
    struct Fields: Encodable {
        var values: [String: String]

        func encode(to encoder: any Encoder) throws {
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
}
