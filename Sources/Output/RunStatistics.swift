import Analyzer
import Fail2banConfig
import Foundation
import Matcher

/// `--stats`: what a replay read and found, for standard error.
package enum RunStatistics {
    /// A line for the whole run (files, megabytes, seconds, rate), then one per jail (files,
    /// candidate lines, failures, addresses, bans, host names, the prefilter's literals).
    package static func text(_ outcome: JailReplay.Outcome, jails: [JailReplay.Jail], seconds: Double) -> String {
        let summary = outcome.summary
        let mb = Double(summary.bytes) / 1e6
        var out = String(
            format: "failscan: %d file(s), %.1f MB in %.3f s (%.1f MB/s)\n", summary.filesRead, mb, seconds, seconds > 0 ? mb / seconds : 0)
        for (index, result) in outcome.results.enumerated() {
            let matcher = jails[index].filter.matcher
            let prefilter =
                matcher.prefilter.map {
                    $0.literals.map { String(decoding: $0, as: UTF8.self).debugDescription }.joined(separator: " ")
                }
                ?? "off (\(matcher.prefilterNote ?? ""))"
            out +=
                "failscan: [\(result.jail.name)] \(result.files) file(s), \(result.counters.candidates) candidate line(s), \(result.failures) failure(s), \(result.records.count) address(es), \(result.records.filter(\.banned).count) banned, \(result.hosts.unresolved + result.hosts.dropped) with a host name (\(result.hosts.dropped) dropped as fail2ban drops them); prefilter: \(prefilter)\n"
        }
        return out
    }

    /// One line per jail for a person at a terminal: failures, addresses, bans (what a run
    /// whose output is empty found).
    package static func summary(_ outcome: JailReplay.Outcome) -> String {
        outcome.results.map { result in
            let banned = result.records.filter(\.banned).count
            func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
            return
                "failscan: [\(result.jail.name)] \(count(result.failures, "failure", "failures")), \(count(result.records.count, "address", "addresses")), \(banned) banned\n"
        }.joined()
    }
}
