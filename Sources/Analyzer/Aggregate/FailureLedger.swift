/// Failures gathered per failure id, each id's times kept in time order.
public struct FailureLedger: Sendable {
    /// What is known of one id.
    public struct Entry: Sendable, Equatable {
        /// Failure times, ascending (stable for equal times: input order).
        public var times: [Int] = []
        /// Failures per failregex (0-based index).
        public var hitsPerFailregex: [Int: Int] = [:]

        mutating func record(_ failure: Failure) {
            times.append(failure.time)
            hitsPerFailregex[failure.failregex, default: 0] += 1
        }
    }

    public private(set) var entries: [FailureID: Entry] = [:]

    public init() {}

    /// Adds failures (in input order); call ``finish()`` before reading times.
    public mutating func add(_ failures: [Failure]) {
        for failure in failures {
            entries[failure.id, default: Entry()].record(failure)
        }
    }

    /// Adds one failure (call ``finish()`` before reading times).
    public mutating func add(_ failure: Failure) {
        entries[failure.id, default: Entry()].record(failure)
    }

    /// Orders each id's times.
    public mutating func finish() {
        for key in entries.keys { entries[key]!.times.sort() }
    }
}
