import CMemSearch

/// One chunk's successful logins, as a worker finds them (``FilterRunner`` with
/// `logins`): flat arrays, the chunk's addresses and users numbered as met, merged into
/// the scan's ``LoginBook`` in input order.
///
/// A mail log holds ten times more logins than failures, so a login costs what it must:
/// no ``Failure``, no dictionary of fields, no hashing of its address with SipHash (an
/// open-addressing table of its bits, ``AddressNumbers``), no `String` for its user (the
/// bytes are compared with the address's previous user's).
struct LoginBatch: Sendable {
    /// The chunk's ids, numbered as met.
    private(set) var ids: [FailureID] = []
    private var numbers = AddressNumbers()
    /// Per login, in line order: its time (``undated``: above the chunk's first dated line,
    /// it takes the date of the chunks before), its id's number, its user's number.
    private(set) var logins: [LoginRecord] = []
    /// How many logins are undated.
    private(set) var undatedCount = 0
    /// The chunk's user names, numbered as met.
    private var names = NameNumbers()
    /// Per id number, the number of its last login's user.
    private var lastUser: [Int32] = []

    var userNames: [[UInt8]] { names.names }

    var count: Int { logins.count }

    /// The time of a login not dated yet (no log time is this far back).
    static let undated = Int.min

    /// Adds a login of `id` at `time` as `user` (nil: the filter has no `<F-USER>`, an
    /// empty name).
    mutating func add(_ id: FailureID, time: Int?, user: UnsafeBufferPointer<UInt8>?) {
        let entry = numbers.number(of: id, next: Int32(ids.count))
        if Int(entry) == ids.count {
            ids.append(id)
            lastUser.append(-1)
        }
        let bytes = user ?? UnsafeBufferPointer(start: nil, count: 0)
        var number = lastUser[Int(entry)]
        if number < 0 || !NameNumbers.equal(names.names[Int(number)], bytes) {
            number = names.number(of: bytes)
            lastUser[Int(entry)] = number
        }
        if time == nil { undatedCount += 1 }
        logins.append(LoginRecord(time: time ?? Self.undated, address: entry, user: number))
    }
}

/// One login of a ``LoginBatch``: its time, its address's and its user's numbers.
struct LoginRecord: Sendable {
    var time: Int
    var address: Int32
    var user: Int32
}

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
            if hashes[slot] == hash, Self.equal(names[Int(number)], name) { return number }
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

    @inline(__always)
    static func equal(_ name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count == bytes.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return name.withUnsafeBufferPointer { cmemsearch_equal($0.baseAddress!, base, bytes.count) != 0 }
    }
}

/// Numbers for failure ids, keyed on an address's bits in an open-addressing table (a
/// multiply and a shift, where `Dictionary` hashes with SipHash); host names and other
/// ids in a dictionary.
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
            var slot = Self.slot(h, l, mask)
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

    @inline(__always)
    private static func slot(_ h: UInt64, _ l: UInt64, _ mask: Int) -> Int {
        let mixed = (l ^ (h &* 0xff51_afd7_ed55_8ccd)) &* 0x9e37_79b9_7f4a_7c15
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }

    private mutating func insert(_ new: Slot) {
        let mask = slots.count - 1
        var slot = Self.slot(new.high, new.low, mask)
        while slots[slot].kind != 0 { slot = (slot + 1) & mask }
        slots[slot] = new
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: max(Self.initialCapacity, 2 * slots.count))
        for slot in old where slot.kind != 0 { insert(slot) }
    }
}
