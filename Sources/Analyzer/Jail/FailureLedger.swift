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
    /// Index + 1 of an id in `ids` per bucket, 0: empty (linear probing; never deleted).
    private var table: [Int32] = Array(repeating: 0, count: 16)
    /// The seed the ids are hashed with: drawn per ledger, so that no set of addresses a
    /// log could be written with collides in every run (`Dictionary`'s SipHash, which this
    /// replaces, cost about 700 instructions a failure on sshd's attack log, a sixth of
    /// the in-order work).
    private let seed = UInt64.random(in: 1...UInt64.max) | 1
    /// Failures added.
    package private(set) var count = 0

    package init() {}

    /// Every id with its entry, in the order first added.
    package var entries: [(key: FailureID, value: Entry)] { zip(ids, values).map { (key: $0, value: $1) } }

    /// Adds one failure (call ``finish()`` before reading times).
    package mutating func add(_ failure: Failure) {
        let index = slot(of: failure.id)
        values[index].record(time: failure.time, failregex: failure.failregex)
        count += 1
    }

    /// The index of `id` in `ids`, added (with an empty entry) when new.
    private mutating func slot(of id: FailureID) -> Int {
        let mask = table.count - 1
        var bucket = Int(truncatingIfNeeded: hash(id) >> 32) & mask
        while table[bucket] != 0 {
            let index = Int(table[bucket]) - 1
            if ids[index] == id { return index }
            bucket = (bucket + 1) & mask
        }
        ids.append(id)
        values.append(Entry())
        table[bucket] = Int32(ids.count)
        if 2 * ids.count > table.count { grow() }
        return ids.count - 1
    }

    /// Doubles the table (at most half full).
    private mutating func grow() {
        table = Array(repeating: 0, count: 2 * table.count)
        let mask = table.count - 1
        for (index, id) in ids.enumerated() {
            var bucket = Int(truncatingIfNeeded: hash(id) >> 32) & mask
            while table[bucket] != 0 { bucket = (bucket + 1) & mask }
            table[bucket] = Int32(index + 1)
        }
    }

    /// A seeded hash of `id`: addresses mixed by multiplication (SplitMix64's finalizer),
    /// names through `Hasher`.
    private func hash(_ id: FailureID) -> UInt64 {
        var z: UInt64
        switch id {
        case .address(.v4(let a)): z = UInt64(a) ^ seed
        case .address(.v6(let high, let low)): z = (high ^ seed) &* 0x9E37_79B9_7F4A_7C15 ^ low
        case .other(let name), .host(let name): z = UInt64(bitPattern: Int64(name.hashValue)) ^ seed
        }
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Orders each id's times.
    package mutating func finish() {
        for index in values.indices { values[index].sort() }
    }
}
