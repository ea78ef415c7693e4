import Analyzer
import OutputBasics

/// One id's record in one jail, as `json` and `csv` write it.
package struct JailRow: Encodable, Sendable, Equatable {
    /// The address (canonical) or other failure id.
    package var ip: String
    package var jail: String
    package var failures: Int
    /// Unix time of the first and last failure.
    package var first: Int
    package var last: Int
    package var banned: Bool
    /// Start times of the bans.
    package var bans: [Int]
    /// End times of the bans, prolongations included (-1: forever).
    package var until: [Int]
    /// Failures per failregex, keyed by its 1-based number.
    package var failregex: [String: Int]

    package init(_ record: JailRecord, jail: String) {
        ip = record.id.description
        self.jail = jail
        failures = record.failures
        first = record.first
        last = record.last
        banned = record.banned
        bans = record.bans
        until = record.banEnds.map { $0 == Int.max ? -1 : $0 }
        failregex = Dictionary(uniqueKeysWithValues: record.hits.map { (String($0.key), $0.value) })
    }

    /// Appends the row's JSON object (without a newline): the bytes `JSONEncoder` writes
    /// with sorted keys and unescaped slashes (tested against it), several times faster.
    /// - Parameter iso: times as ISO 8601 in UTC (`--time-format iso`; a ban that never
    ///   ends: `never`) instead of Unix seconds.
    package func writeJSON(to out: inout [UInt8], iso: Bool = false) {
        JSONText.object(to: &out) { o in
            o.bool("banned", banned)
            if iso { o.strings("bans", bans.map(Self.iso)) } else { o.ints("bans", bans) }
            o.object("failregex") { hits in
                for (key, value) in failregex.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }) {
                    hits.int(key, value)
                }
            }
            o.int("failures", failures)
            if iso { o.string("first", Self.iso(first)) } else { o.int("first", first) }
            o.string("ip", ip)
            o.string("jail", jail)
            if iso { o.string("last", Self.iso(last)) } else { o.int("last", last) }
            if iso { o.strings("until", until.map(Self.iso)) } else { o.ints("until", until) }
        }
    }

    /// A row's time as `--time-format iso` writes it (-1, a ban without end: `never`).
    static func iso(_ time: Int) -> String { time == -1 ? "never" : FirewallTime.iso(time) }
}
