import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What each regex of a filter cost on one worker: how many subjects it was tried on, how
/// many it matched, the time PCRE2 spent in it and the searches a resource limit ended.
/// Slot 0 is the prefregex, 1...n the failregexes, then the ignoreregexes.
public final class RegexProfile: @unchecked Sendable {
    // SAFETY: one worker writes a profile (through its own scratch); the totals are read
    // after the scan has joined its workers.
    public internal(set) var tries: [Int]
    public internal(set) var hits: [Int]
    public internal(set) var nanoseconds: [Int]
    public internal(set) var limitHits: [Int]

    init(slots: Int) {
        tries = Array(repeating: 0, count: slots)
        hits = tries
        nanoseconds = tries
        limitHits = tries
    }

    /// Runs one search of `slot`, counting it.
    @inline(__always)
    func measure(_ slot: Int, _ search: () throws(PCRE2Error) -> Bool) throws(PCRE2Error) -> Bool {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        defer {
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &end)
            nanoseconds[slot] += (end.tv_sec - start.tv_sec) * 1_000_000_000 + (end.tv_nsec - start.tv_nsec)
            tries[slot] += 1
        }
        do {
            let matched = try search()
            if matched { hits[slot] += 1 }
            return matched
        } catch {
            limitHits[slot] += 1
            throw error
        }
    }
}

/// Gathers the ``RegexProfile`` of every worker of a scan (`failscan regex --costs`): a
/// filter carrying a profiler gives each of its scratch spaces a profile of its own, so
/// the per-line counting takes no lock.
public final class RegexProfiler: Sendable {
    let slots: Int
    let profiles = Mutex<[RegexProfile]>([])

    public init(slots: Int) { self.slots = slots }

    func make() -> RegexProfile {
        let profile = RegexProfile(slots: slots)
        profiles.withLock { $0.append(profile) }
        return profile
    }

    /// The sums over all workers, per slot: tries, hits, nanoseconds, limit hits.
    public func totals() -> (tries: [Int], hits: [Int], nanoseconds: [Int], limitHits: [Int]) {
        profiles.withLock { all in
            let total = RegexProfile(slots: slots)
            for profile in all {
                for slot in 0..<slots {
                    total.tries[slot] += profile.tries[slot]
                    total.hits[slot] += profile.hits[slot]
                    total.nanoseconds[slot] += profile.nanoseconds[slot]
                    total.limitHits[slot] += profile.limitHits[slot]
                }
            }
            return (total.tries, total.hits, total.nanoseconds, total.limitHits)
        }
    }
}
