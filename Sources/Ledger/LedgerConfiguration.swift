import Analyzer
import Fail2banConfig
import LogSource
import Matcher

/// What must be the same for a map and its reduce: the jails' names, filters (regexes,
/// date patterns, maxlines, usedns), logpath, logtimezone, and the map's own options.
/// maxretry, findtime, bantime and ignoreip are the reduce's to choose (they decide bans,
/// not failures).
package enum LedgerConfiguration {
    /// The description hashed, one line per item.
    package static func description(jails: [JailReplay.Jail], mapOptions: [String]) -> String {
        var lines = ["failscan-ledger-configuration 1"] + mapOptions.map { "option \($0)" }
        for jail in jails {
            let config = jail.config, filter = jail.filter.config, patterns = filter.patterns
            lines.append("jail \(config.name)")
            lines.append("filter \(config.filter)")
            lines += config.logPatterns.map { "logpath \($0)" }
            lines.append("logtimezone \(config.logTimeZone ?? "")")
            lines.append("usedns \(config.useDNS.rawValue) \(patterns.useDNS)")
            lines.append("prefregex \(patterns.prefregex ?? "")")
            lines += patterns.failregex.map { "failregex \($0)" }
            lines += patterns.ignoreregex.map { "ignoreregex \($0)" }
            lines += filter.datePatterns.map { "datepattern \($0)" }
            lines.append("maxlines \(filter.maxLines)")
            // A journal jail: its backend and journalmatch decide which entries are read.
            if jail.journalSource != nil {
                lines.append("backend \(config.backend)")
                lines += filter.journalMatch.map { "journalmatch \($0)" }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The hash a ledger carries (FNV-1a, 64 bits, of ``description(jails:mapOptions:)``).
    package static func hash(jails: [JailReplay.Jail], mapOptions: [String]) -> String {
        let value = FNV1a.hash(description(jails: jails, mapOptions: mapOptions).utf8)
        return String(value, radix: 16).leftPadded(to: 16)
    }

    /// The value a map's option had (`now`, `timezone`), from ``mapOptions(_:countsUnterminatedLine:)``'s
    /// list, or nil when the map was run without it.
    package static func value(of key: String, in mapOptions: [String]) -> String? {
        mapOptions.first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    /// The options of a map that change what failures are found (they enter the hash):
    /// "now", the time zone, date patterns, and whether unterminated last lines are read.
    package static func mapOptions(_ options: FilterOptions, countsUnterminatedLine: Bool) -> [String] {
        var mapOptions: [String] = []
        if let now = options.now { mapOptions.append("now=\(now)") }
        if let zone = options.timeZone { mapOptions.append("timezone=\(zone)") }
        mapOptions += options.datePatterns.map { "datepattern=\($0)" }
        if countsUnterminatedLine { mapOptions.append("count-unterminated") }
        return mapOptions
    }
}
