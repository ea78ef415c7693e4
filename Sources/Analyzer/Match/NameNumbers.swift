/// Numbers for user names, looked up by their bytes (FNV-1a, open addressing): no
/// `Array` made and hashed with SipHash for each login, as a `[[UInt8]: Int32]` would.
struct NameNumbers: Sendable {
    /// The names, by number.
    private(set) var names: [[UInt8]] = []
    /// Per slot: the name's number + 1 (0: empty), and its hash.
    private var slots: [Int32] = []
    private var hashes: [UInt64] = []

    /// The number of `name`, given it if it has none.
    mutating func number(of name: UnsafeBufferPointer<UInt8>) -> Int32 {
        if 2 * (names.count + 1) > slots.count { grow() }
        let hash = FNV1a.hash(name), mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let number = slots[slot] - 1
            if hashes[slot] == hash, names[Int(number)].equals(name) { return number }
            slot = (slot + 1) & mask
        }
        let number = Int32(names.count)
        names.append(Array(name))
        slots[slot] = number + 1
        hashes[slot] = hash
        return number
    }

    private mutating func grow() {
        let capacity = max(64, 2 * slots.count)
        slots = Array(repeating: 0, count: capacity)
        hashes = Array(repeating: 0, count: capacity)
        for (number, name) in names.enumerated() {
            let hash = name.withUnsafeBufferPointer { FNV1a.hash($0) }
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(number) + 1
            hashes[slot] = hash
        }
    }
}
