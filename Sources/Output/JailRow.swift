import Analyzer

/// One id's record in one jail, as `json` and `csv` write it.
public struct JailRow: Encodable, Sendable, Equatable {
    /// The address (canonical) or other failure id.
    public var ip: String
    public var jail: String
    public var failures: Int
    /// Unix time of the first and last failure.
    public var first: Int
    public var last: Int
    public var banned: Bool
    /// Start times of the bans.
    public var bans: [Int]
    /// End times of the bans, prolongations included (-1: forever).
    public var until: [Int]
    /// Failures per failregex, keyed by its 1-based number.
    public var failregex: [String: Int]

    public init(_ record: JailRecord, jail: String) {
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
    public func writeJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        JSONText.key("banned", to: &out)
        JSONText.bool(banned, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("bans", to: &out)
        JSONText.ints(bans, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("failregex", to: &out)
        out.append(UInt8(ascii: "{"))
        for (n, (key, value)) in failregex.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.string(key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.int(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: ","))
        JSONText.key("failures", to: &out)
        JSONText.int(failures, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("first", to: &out)
        JSONText.int(first, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("ip", to: &out)
        JSONText.string(ip, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("jail", to: &out)
        JSONText.string(jail, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("last", to: &out)
        JSONText.int(last, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.key("until", to: &out)
        JSONText.ints(until, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
