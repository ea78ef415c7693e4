import CMemSearch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What each regex of a filter cost on one worker: how many subjects it was tried on, how
/// many it matched, the time PCRE2 spent in it and the searches a resource limit ended.
/// Slot 0 is the prefregex, 1...n the failregexes, then the ignoreregexes.
package final class RegexProfile: @unchecked Sendable {
    // SAFETY: one worker writes a profile (through its own scratch); the totals are read
    // after the scan has joined its workers.
    let slots: Int
    /// Per slot: tries, hits, ticks charged, limit hits, ticks in PCRE2, in one buffer (no copy-on-write or
    /// exclusivity checks per search: the bookkeeping must cost little beside a search).
    let counts: UnsafeMutablePointer<Int>
    /// Per slot, the first subject a resource limit gave up on (a ReDoS example).
    var limitExamples: [[UInt8]?]
    /// Ticks in the filter's matching of a line, all of it (regexes, gates, field copies),
    /// to check that the per-regex times account for it.
    var matcherTicks = 0

    init(slots: Int) {
        self.slots = slots
        counts = .allocate(capacity: 5 * slots)
        counts.initialize(repeating: 0, count: 5 * slots)
        limitExamples = Array(repeating: nil, count: slots)
    }

    deinit { counts.deallocate() }

    var tries: UnsafeMutablePointer<Int> { counts }
    var hits: UnsafeMutablePointer<Int> { counts + slots }
    var ticks: UnsafeMutablePointer<Int> { counts + 2 * slots }
    var limitHits: UnsafeMutablePointer<Int> { counts + 3 * slots }
    var searchTicks: UnsafeMutablePointer<Int> { counts + 4 * slots }

    /// The time-stamp counter (ticks; ``RegexProfiler`` turns them into nanoseconds).
    @inline(__always)
    static func now() -> Int { Int(truncatingIfNeeded: cmemsearch_ticks()) }

    /// Within a line: the slot whose search began the interval now running, and when.
    var openSlot = -1
    var openedAt = 0
    var inLine = false

    /// Runs one line's matching, adding its time to ``matcherTicks``. Within it, a regex's
    /// time runs from the check of whether to try it (its gate) or, without one, from its
    /// search, to the start of the next regex or the end of the line; the line's first
    /// regex also takes what came before it (the Unicode check). So a regex is charged for
    /// its gate, its search and what its result costs (captures, the id), and the rows add
    /// up to the time spent matching lines, except lines on which no regex was tried.
    @inline(__always)
    func measureLine<R>(_ body: () throws(PCRE2Error) -> R) throws(PCRE2Error) -> R {
        let start = Self.now()
        inLine = true
        openSlot = -1
        openedAt = start
        defer {
            let end = Self.now()
            if openSlot >= 0 { ticks[openSlot] &+= end &- openedAt }
            openSlot = -1
            inLine = false
            matcherTicks &+= end &- start
        }
        return try body()
    }

    /// Within a line, the work for `slot` begins (its gate, then maybe its search).
    @inline(__always)
    package func enter(_ slot: Int) {
        guard inLine, openSlot != slot else { return }
        let now = Self.now()
        ticks[openSlot >= 0 ? openSlot : slot] &+= now &- openedAt
        openSlot = slot
        openedAt = now
    }

    /// Runs one search of `slot` on `subject`, counting it.
    @inline(__always)
    func measure(_ slot: Int, subject: UnsafeBufferPointer<UInt8>, _ search: () throws(PCRE2Error) -> Bool) throws(PCRE2Error) -> Bool {
        tries[slot] &+= 1
        enter(slot)
        let start = Self.now()
        defer {
            let spent = Self.now() &- start
            searchTicks[slot] &+= spent
            // Outside a line (explaining one line, say) the search alone is charged.
            if !inLine { ticks[slot] &+= spent }
        }
        do {
            let matched = try search()
            if matched { hits[slot] &+= 1 }
            return matched
        } catch {
            limitHits[slot] &+= 1
            if limitExamples[slot] == nil { limitExamples[slot] = Array(subject) }
            throw error
        }
    }
}

/// Gathers the ``RegexProfile`` of every worker of a scan (`failscan regex --costs`): a
/// filter carrying a profiler gives each of its scratch spaces a profile of its own, so
/// the per-line counting takes no lock.
package final class RegexProfiler: Sendable {
    let slots: Int
    let profiles = Mutex<[RegexProfile]>([])
    /// The counter and the monotonic clock when profiling began, to scale ticks to time.
    let startTicks: Int
    let startNanoseconds: Int

    package init(slots: Int) {
        self.slots = slots
        startTicks = RegexProfile.now()
        startNanoseconds = Self.monotonic()
    }

    static func monotonic() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    func make() -> RegexProfile {
        let profile = RegexProfile(slots: slots)
        profiles.withLock { $0.append(profile) }
        return profile
    }

    /// The sums over all workers: per slot tries, hits, nanoseconds, limit hits and the
    /// first example of a limit hit; and the time in the matcher as a whole.
    package func totals() -> RegexProfileTotals {
        profiles.withLock { all in
            var total = RegexProfileTotals(slots: slots)
            for profile in all {
                for slot in 0..<slots {
                    total.tries[slot] += profile.tries[slot]
                    total.hits[slot] += profile.hits[slot]
                    total.nanoseconds[slot] += profile.ticks[slot]
                    total.searchNanoseconds[slot] += profile.searchTicks[slot]
                    total.limitHits[slot] += profile.limitHits[slot]
                    if total.limitExamples[slot] == nil { total.limitExamples[slot] = profile.limitExamples[slot] }
                }
                total.matcherNanoseconds += profile.matcherTicks
            }
            // Ticks to nanoseconds, by the counter's rate over the profiled time.
            let ticks = RegexProfile.now() - startTicks, elapsed = Self.monotonic() - startNanoseconds
            let scale = ticks > 0 && elapsed > 0 ? Double(elapsed) / Double(ticks) : 1
            total.nanoseconds = total.nanoseconds.map { Int(Double($0) * scale) }
            total.searchNanoseconds = total.searchNanoseconds.map { Int(Double($0) * scale) }
            total.matcherNanoseconds = Int(Double(total.matcherNanoseconds) * scale)
            return total
        }
    }
}

/// A ``RegexProfiler``'s sums over its workers.
package struct RegexProfileTotals: Sendable {
    package var tries: [Int]
    package var hits: [Int]
    /// Time charged to each regex: its gate, its search and what its result cost, until
    /// the next regex (``RegexProfile/measureLine(_:)``).
    package var nanoseconds: [Int]
    /// Time in PCRE2's search alone.
    package var searchNanoseconds: [Int]
    package var limitHits: [Int]
    package var limitExamples: [[UInt8]?]
    package var matcherNanoseconds = 0

    init(slots: Int) {
        tries = Array(repeating: 0, count: slots)
        hits = tries
        nanoseconds = tries
        searchNanoseconds = tries
        limitHits = tries
        limitExamples = Array(repeating: nil, count: slots)
    }
}
