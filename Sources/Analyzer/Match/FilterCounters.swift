/// What a filter's run counted, for the statistics line, the warnings (lines without a
/// date, limit hits, ids that are no address) and a ledger's header (as JSON).
package struct FilterCounters: Sendable, Equatable, Codable {
    /// Lines the prefilter handed to the regexes.
    package var candidates = 0
    /// Lines a failregex matched.
    package var matched = 0
    /// Matched lines without a date (and no dated line above them): not counted.
    package var noDate = 0
    /// Matched lines whose address is not one (`300.1.1.1`, `010.1.2.3`): not counted.
    package var invalidID = 0
    /// Lines given up on because a regex hit PCRE2's match limits.
    package var limitHits = 0

    package init() {}

    /// Adds `other`'s counts.
    package mutating func add(_ other: FilterCounters) {
        candidates += other.candidates
        matched += other.matched
        noDate += other.noDate
        invalidID += other.invalidID
        limitHits += other.limitHits
    }
}
