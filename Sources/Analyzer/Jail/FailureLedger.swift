/// A jail's failures gathered per failure id, compactly: each id's failure times (8 bytes
/// a failure) and its hits per failregex, never whole ``Failure`` records, so memory grows
/// with addresses and failures, not with what the lines said.
public struct FailureLedger: Sendable {
    /// What is known of one id.
    public struct Entry: Sendable, Equatable {
        /// Failure times; ascending (stable for equal times) after ``FailureLedger/finish()``.
        public var times: [Int] = []
        /// Failures per failregex (0-based index).
        public var hits: [Int] = []

        mutating func record(time: Int, failregex: Int) {
            times.append(time)
            if hits.count <= failregex { hits.append(contentsOf: repeatElement(0, count: failregex + 1 - hits.count)) }
            hits[failregex] += 1
        }
    }

    public private(set) var entries: [FailureID: Entry] = [:]
    /// Failures added.
    public private(set) var count = 0

    public init() {}

    /// Adds one failure (call ``finish()`` before reading times).
    public mutating func add(_ failure: Failure) {
        entries[failure.id, default: Entry()].record(time: failure.time, failregex: failure.failregex)
        count += 1
    }

    /// Orders each id's times.
    public mutating func finish() {
        for key in entries.keys { entries[key]!.times.sort() }
    }
}
