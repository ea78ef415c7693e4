import Fail2banConfig
import Matcher

/// What each regex of a filter cost over a run (`failscan regex --costs`): per regex the
/// lines it was tried on and matched, its time and PCRE2's, the searches a match limit
/// ended, and what feeds each failregex.
package struct RegexCosts: Encodable, Sendable {
    /// One regex's costs.
    package struct Cost: Encodable, Sendable {
        package var regex: String
        package var role: String
        /// 1-based among the regexes of its role (1 for the prefregex).
        package var number: Int
        package var tried: Int
        package var matched: Int
        /// Time charged to the regex: its gate (whether to try it), its search and what its
        /// result cost (captures, the id), until the next regex; the rows add up to the
        /// time spent matching lines.
        package var nanoseconds: Int
        /// Of that, the time in PCRE2's search.
        package var searchNanoseconds: Int
        package var limitHits: Int
        /// The first line a match limit gave up on (the ReDoS example).
        package var limitExample: String?
        /// A failregex's gate: "starts" (the first bytes it needs), "literals" (one of
        /// which it needs), "always" (tried on every candidate line).
        package var gate: String?
        /// The bytes of that gate.
        package var fedBy: [String]?
    }

    package var costs: [Cost]
    /// The prefilter's literals (a line without one is not a candidate), or empty when
    /// there is no prefilter.
    package var prefilter: [String]
    package var candidates: Int
    package var lines: Int
    package var bytes: Int
    package var seconds: Double
    /// Time in the matcher as a whole (the per-regex times account for it).
    package var matcherNanoseconds: Int

    /// The profiler's totals of a run of `compiled` that read `summary` in `seconds`.
    package init(_ totals: RegexProfileTotals, _ compiled: CompiledFilter, summary: ScanSummary, seconds: Double) {
        let patterns = compiled.config.patterns, matcher = compiled.matcher
        // Slot 0 is the prefregex, when the filter has one.
        let hasPrefregex = matcher.hasPrefregex
        var regexes: [(role: String, number: Int, regex: String)] = [("prefregex", 1, patterns.prefregex ?? "")]
        regexes += patterns.failregex.enumerated().map { ("failregex", $0.offset + 1, $0.element) }
        regexes += patterns.ignoreregex.enumerated().map { ("ignoreregex", $0.offset + 1, $0.element) }
        let text = { (set: [[UInt8]]) in set.map { String(decoding: $0, as: UTF8.self) } }
        costs = regexes.enumerated().compactMap { slot, entry in
            guard slot < totals.tries.count, slot > 0 || hasPrefregex else { return nil }
            var cost = Cost(
                regex: entry.regex, role: entry.role, number: entry.number, tried: totals.tries[slot], matched: totals.hits[slot],
                nanoseconds: totals.nanoseconds[slot], searchNanoseconds: totals.searchNanoseconds[slot], limitHits: totals.limitHits[slot],
                limitExample: totals.limitExamples[slot].map { String(decoding: $0.prefix { $0 != 10 }, as: UTF8.self) })
            if entry.role == "failregex" {
                if let starts = matcher.failregexStarts(entry.number - 1) {
                    (cost.gate, cost.fedBy) = ("starts", text(starts))
                } else if let literals = matcher.failregexLiterals(entry.number - 1) {
                    // One entry per required set: its literals, alternatives joined by " | ".
                    (cost.gate, cost.fedBy) = ("literals", literals.map { text($0).joined(separator: " | ") })
                } else {
                    cost.gate = "always"
                }
            }
            return cost
        }
        prefilter = matcher.prefilter?.literals.map { String(decoding: $0, as: UTF8.self) } ?? []
        candidates = summary.counters.candidates
        lines = summary.lines
        bytes = summary.bytes
        self.seconds = seconds
        matcherNanoseconds = totals.matcherNanoseconds
    }
}
