import Analyzer

/// The time model of every firewall file: which bans it holds and when each expires. By
/// default the bans still running at one time (`--active-at`, else the last failure the
/// logs hold), each with what is left of it; with `--all-bans`, every ban the logs gave,
/// permanent. The file's header says which.
package struct FirewallTime: Sendable {
    /// The time the bans must run at; nil: every ban (`--all-bans`).
    package let activeAt: Int?
    /// Where ``activeAt`` came from, for the header.
    package let origin: String

    package init(activeAt: Int?, origin: String) {
        self.activeAt = activeAt
        self.origin = origin
    }

    /// The time model `settings` ask for over `results`.
    package static func chosen(_ settings: OutputSettings, _ results: [JailResult]) -> FirewallTime {
        if settings.allBans { return FirewallTime(activeAt: nil, origin: "--all-bans") }
        if let at = settings.activeAt { return FirewallTime(activeAt: at, origin: "--active-at") }
        let latest = results.flatMap(\.records).map { max($0.last, $0.bans.last ?? 0) }.max() ?? 0
        return FirewallTime(activeAt: latest, origin: "the last failure in the logs; --active-at or --all-bans to choose")
    }

    /// The seconds a ban that ends at `end` has left at ``activeAt`` (at least 1), or nil
    /// when it never ends or every ban is kept.
    package func remaining(end: Int) -> Int? {
        guard let activeAt, end != Int.max else { return nil }
        return max(1, end - activeAt)
    }

    /// The bans of `results` left out: banned ids none of whose bans runs at ``activeAt``.
    func leftOut(_ results: [JailResult]) -> Int {
        guard let activeAt else { return 0 }
        return results.reduce(0) { total, result in
            total + result.records.filter { $0.banned && $0.id.address != nil && !$0.isBanned(at: activeAt) }.count
        }
    }

    /// The note a run prints when bans of `results` had ended at ``activeAt`` and are left
    /// out, or nil.
    package func leftOutNote(_ results: [JailResult]) -> String? {
        let left = leftOut(results)
        guard left > 0, let activeAt else { return nil }
        let when = origin == "--active-at" ? "--active-at" : "the last failure in the logs"
        return
            "\(left) ban\(left == 1 ? "" : "s") had ended by \(Self.iso(activeAt)) (\(when)) and \(left == 1 ? "is" : "are") left out; --all-bans keeps every ban"
    }

    /// The header line: which bans, and how they expire (`expiry`: what the target does).
    package func header(expiry: String) -> String {
        guard let activeAt else { return "# failscan: every ban the logs gave (--all-bans), permanent\n" }
        return "# failscan: the bans running at \(Self.iso(activeAt)) (\(origin)); \(expiry)\n"
    }

    /// `t` as ISO 8601 in UTC.
    package static func iso(_ t: Int) -> String {
        let (y, m, d) = CivilTime.civilFromDays(Int((Double(t) / 86_400).rounded(.down)))
        let s = ((t % 86_400) + 86_400) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }
}
