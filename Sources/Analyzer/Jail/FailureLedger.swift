/// A jail's failures gathered per failure id, compactly: each id's failure times (4 bytes
/// a failure: seconds from the id's first failure) and its hits per failregex, never whole
/// ``Failure`` records, so memory grows with addresses and failures, not with what the
/// lines said.
package struct FailureLedger: Sendable {
    /// What is known of one id.
    package struct Entry: Sendable, Equatable {
        /// The time the offsets count from (the first failure added).
        var base = 0
        /// Seconds from `base`; wide times only when some offset does not fit 32 bits
        /// (dates more than 68 years apart).
        var offsets: [Int32] = []
        var wide: [Int]? = nil
        /// Failures per failregex (0-based index).
        package var hits: [Int] = []

        /// Failure times; ascending (stable for equal times) after ``FailureLedger/finish()``.
        package var times: [Int] { wide ?? offsets.map { base + Int($0) } }

        /// How many failures.
        package var count: Int { wide?.count ?? offsets.count }

        mutating func record(time: Int, failregex: Int) {
            if wide != nil {
                wide!.append(time)
            } else if offsets.isEmpty {
                base = time
                offsets.append(0)
            } else if let offset = Int32(exactly: time - base) {
                offsets.append(offset)
            } else {
                wide = times + [time]
                offsets = []
            }
            if hits.count <= failregex { hits.append(contentsOf: repeatElement(0, count: failregex + 1 - hits.count)) }
            hits[failregex] += 1
        }

        mutating func sort() {
            if wide != nil { wide!.sort() } else { offsets.sort() }
        }
    }

    /// The ids in the order first added, and each one's entry at the same index.
    private var ids: [FailureID] = []
    private var values: [Entry] = []
    /// Each id's index in `ids` (a `Dictionary` keyed by `FailureID`, SipHash and the
    /// entry's copy-on-write path, cost about 700 instructions a failure on sshd's attack
    /// log, a sixth of the in-order work).
    private var numbers = AddressNumbers()
    /// Failures added.
    package private(set) var count = 0

    package init() {}

    /// Every id with its entry, in the order first added.
    package var entries: [(key: FailureID, value: Entry)] { zip(ids, values).map { (key: $0, value: $1) } }

    /// Adds one failure (call ``finish()`` before reading times).
    package mutating func add(_ failure: Failure) {
        let index = Int(numbers.number(of: failure.id, next: Int32(ids.count)))
        if index == ids.count {
            ids.append(failure.id)
            values.append(Entry())
        }
        values[index].record(time: failure.time, failregex: failure.failregex)
        count += 1
    }

    /// Orders each id's times.
    package mutating func finish() {
        for index in values.indices { values[index].sort() }
    }
}
