/// Numbers for failure ids, keyed on an address's bits in an open-addressing table (a
/// seeded mix of a few multiplies, where `Dictionary` hashes with SipHash); host names and
/// other ids in a dictionary. Numbers are the caller's (`next`), so they never depend on
/// the hash.
struct AddressNumbers: Sendable {
    /// One slot: the address's bits, its kind (0 empty, 1 IPv4, 2 IPv6) and its number,
    /// side by side (one cache line a probe).
    struct Slot: Sendable {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var kind: UInt32 = 0
        var value: Int32 = 0
    }
    private var slots: [Slot] = []
    private var used = 0
    /// Slots of the first table: a chunk's logins come from a few hundred addresses, and
    /// growing from a small table re-hashed them several times a chunk.
    static let initialCapacity = 1024
    private var others: [FailureID: Int32] = [:]
    /// The seed the addresses are hashed with: drawn per table, so that no set of addresses
    /// a log could be written with collides in every run.
    private let seed = UInt64.random(in: 1...UInt64.max) | 1

    /// The number of `id`; `next` (and then it is `id`'s) when it has none.
    mutating func number(of id: FailureID, next: Int32) -> Int32 {
        guard case .address(let address) = id else {
            if let known = others[id] { return known }
            others[id] = next
            return next
        }
        let kind: UInt32, h: UInt64, l: UInt64
        switch address {
        case .v4(let bits): (kind, h, l) = (1, 0, UInt64(bits))
        case .v6(let a, let b): (kind, h, l) = (2, a, b)
        }
        if 2 * (used + 1) > slots.count { grow() }
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = slot(h, l, mask)
            while slots[slot].kind != 0 {
                if slots[slot].kind == kind, slots[slot].low == l, slots[slot].high == h { return slots[slot].value }
                slot = (slot + 1) & mask
            }
            return nil
        }
        if let found { return found }
        insert(Slot(high: h, low: l, kind: kind, value: next))
        used += 1
        return next
    }

    /// The home slot of an address's bits: seeded, then SplitMix64's finalizer, so that
    /// every bit moves it (a bare multiply left IPv6 addresses that differ only in the top
    /// bits of their low word, which an attacker's /64 chooses, in one slot).
    @inline(__always)
    private func slot(_ h: UInt64, _ l: UInt64, _ mask: Int) -> Int {
        var z = (h ^ seed) &* 0x9E37_79B9_7F4A_7C15 ^ l
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 32) & mask
    }

    private mutating func insert(_ new: Slot) {
        let mask = slots.count - 1
        var slot = slot(new.high, new.low, mask)
        while slots[slot].kind != 0 { slot = (slot + 1) & mask }
        slots[slot] = new
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: max(Self.initialCapacity, 2 * slots.count))
        for slot in old where slot.kind != 0 { insert(slot) }
    }
}
