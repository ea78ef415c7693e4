import Fail2banConfig

/// Replays a jail's failures, in time order, as fail2ban would have decided them had it
/// watched the logs live, with the logs' own time as its clock.
///
/// Corresponds to fail2ban's `server/failmanager.py` (`addFailure`, `cleanup`, `toBan`),
/// `server/ticket.py` (`FailTicket.adjustTime`, `inc`) and `server/banmanager.py`
/// (`addBanTicket`: maxretry reached again while the address is banned prolongs its ban
/// to that failure's time plus bantime; `unBanList` ends it); the clean-up fail2ban runs
/// now and then is applied before every failure. Every rule is per id, so each id's
/// sorted times are replayed on their own: the ledger's compact time lists are all it
/// needs.
package struct FailManager: Sendable {
    package let policy: JailPolicy

    package init(policy: JailPolicy) { self.policy = policy }

    /// Decides every id of `ledger` (finished: times sorted); the result is sorted by id.
    package func decide(_ ledger: FailureLedger) -> [JailRecord] {
        var records: [JailRecord] = []
        let entries = ledger.entries
        records.reserveCapacity(entries.count)
        for (id, entry) in entries where !policy.ignores(id) {
            let times = entry.times
            var record = JailRecord(id: id, failures: times.count, first: times.first ?? 0, last: times.last ?? 0)
            for (index, hits) in entry.hits.enumerated() where hits > 0 { record.hits[index + 1] = hits }
            // A host name fail2ban would resolve first: reported, never banned unresolved.
            let spans: [(start: Int, end: Int)]
            if case .host = id { spans = [] } else { spans = bans(times, id: id) }
            record.bans = spans.map(\.start)
            record.banEnds = spans.map(\.end)
            records.append(record)
        }
        return records.sorted { $0.id < $1.id }
    }

    /// Convenience for tests and small inputs: decides `failures` (any order; a stable
    /// sort by time is applied per id).
    package func decide(_ failures: [Failure]) -> [JailRecord] {
        var ledger = FailureLedger()
        for failure in failures { ledger.add(failure) }
        ledger.finish()
        return decide(ledger)
    }

    /// The bans of one id's failures (sorted by time): start, and end after every
    /// prolongation (`Int.max`: bantime -1, forever).
    ///
    /// With `bantime.increment` (fail2ban's observer, run in order here): a new ban of an
    /// address banned `n` times before lasts the formula's time for `n`, and each of its
    /// failures after its last ban counts `min(2^n / 2 + 1, maxretry)` times.
    func bans(_ times: [Int], id: FailureID? = nil) -> [(start: Int, end: Int)] {
        var bans: [(start: Int, end: Int)] = []
        let increment = policy.banTime > 0 ? policy.increment : nil
        func ban(_ t: Int) {
            let end = policy.banTime < 0 ? Int.max : t + policy.banTime
            if let last = bans.last, t <= last.end {
                // addBanTicket on a banned address (unBanList lifts a ban only once the
                // time is past its end): the ban is prolonged when the new end is later,
                // and the ban count stays.
                if end > last.end { bans[bans.count - 1].end = end }
                return
            }
            var length = policy.banTime
            if let increment, !bans.isEmpty {
                length = increment.banTime(base: policy.banTime, count: bans.count, jitter: Self.jitter(id, bans.count))
            }
            bans.append((t, policy.banTime < 0 ? Int.max : t + length))
        }
        // fail2ban's ticket: retry count, first time (moved by adjustTime), last time.
        var ticket: (retry: Int, firstTime: Int, time: Int)? = nil
        var windowStart = 0 // sliding: the first failure still in the window
        for (index, t) in times.enumerated() {
            var reached = false
            switch policy.window {
            case .failmanager:
                if var current = ticket, current.time > t - policy.findTime {
                    // FailTicket.adjustTime, then inc.
                    if t > current.time {
                        if current.firstTime < t - policy.findTime {
                            let estimate = Double(current.retry) / Double(t - current.firstTime) * Double(policy.findTime)
                            current.retry = Int(estimate.rounded(.toNearestOrEven))
                            current.firstTime = t - policy.findTime
                        }
                        current.time = t
                    }
                    current.retry += 1
                    ticket = current
                } else {
                    // New, or forgotten by cleanup findtime after its last failure.
                    ticket = (1, t, t)
                }
                if ticket!.retry >= policy.maxRetry {
                    ticket = nil // toBan drops the ticket
                    reached = true
                }
            case .sliding:
                while windowStart <= index, times[windowStart] < t - policy.findTime { windowStart += 1 }
                if index - windowStart + 1 >= policy.maxRetry {
                    reached = true
                    windowStart = index + 1
                }
            }
            if reached { ban(t) }
            // The observer's failureFound: a known bad address's failure after its last ban
            // counts more (the filter already counted it once).
            if increment != nil, policy.window == .failmanager, let last = bans.last, t > last.start, var current = ticket {
                let boost = min((1 << min(bans.count, 20)) / 2 + 1, policy.maxRetry)
                if boost > 1 {
                    current.retry += boost - 1
                    ticket = current
                    if current.retry >= policy.maxRetry {
                        ticket = nil
                        ban(t)
                    }
                }
            }
        }
        return bans
    }

    /// A fraction in 0..<1 from the address and its ban count, for `bantime.rndtime`.
    static func jitter(_ id: FailureID?, _ count: Int) -> Double {
        Double(FNV1a.hash("\(id?.description ?? "") \(count)".utf8) >> 11) / Double(1 << 53)
    }
}
