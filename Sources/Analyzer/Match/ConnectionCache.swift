#if canImport(Glibc)
    import Glibc
#endif

/// The cache of multi-line ids of fail2ban's filter (`Utils.Cache(maxCount=100, ...)` in
/// filter.py, an `OrderedDict`): at most `limit` live connections; a new one, when the
/// cache is full, evicts the one created first.
///
/// Each connection's state lives in a slot of one array, found through a small
/// open-addressing table of its id's 64-bit hash (ids are compared byte for byte): no
/// object, no id array and no dictionary entry is allocated per connection once the slots
/// are warm (perf: an object per connection, made and freed for most matched lines of an
/// attack log, was a third of the merge).
struct ConnectionCache<State> {
    let limit: Int
    /// Per slot: the id, its hash, whether it is live, and its creation stamp.
    private var ids: [[UInt8]]
    private var hashes: [UInt64]
    private var live: [Bool]
    private var stamps: [Int]
    /// Per slot: the connection's state (meaningless in a free slot).
    var states: [State]
    private var free: [Int]
    /// Slot + 1 per bucket, 0: empty (linear probing, deletion by backward shift).
    private var table: [Int32]
    private let mask: Int
    /// Slots in creation order with their stamp; an entry whose slot was dropped (or
    /// reused since) is skipped when the oldest is looked for.
    private var order: [(slot: Int, stamp: Int)] = []
    private var orderHead = 0
    private var nextStamp = 0
    private(set) var liveCount = 0

    /// - Parameter empty: what a free slot holds.
    init(limit: Int, empty: State) {
        self.limit = limit
        ids = Array(repeating: [], count: limit)
        hashes = Array(repeating: 0, count: limit)
        live = Array(repeating: false, count: limit)
        stamps = Array(repeating: 0, count: limit)
        states = Array(repeating: empty, count: limit)
        free = Array((0..<limit).reversed())
        var buckets = 16
        while buckets < 2 * limit { buckets <<= 1 }
        table = Array(repeating: 0, count: buckets)
        mask = buckets - 1
    }

    /// The slot of the live connection with id `mlfid` (whose hash is `hash`), if any.
    func find(_ mlfid: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while table[bucket] != 0 {
            let slot = Int(table[bucket]) - 1
            if hashes[slot] == hash && Self.same(ids[slot], mlfid) { return slot }
            bucket = (bucket + 1) & mask
        }
        return nil
    }

    /// Whether `id` holds the bytes of `mlfid` (one `memcmp`, not a generic comparison).
    /// Not ``Swift/Array/equals(_:)``, the package's byte comparison: its inlined C loop
    /// here made the merge copy its whole state per match (callgrind, sshd's dense log:
    /// 440M -> 460M instructions).
    @inline(__always)
    static func same(_ id: [UInt8], _ mlfid: UnsafeBufferPointer<UInt8>) -> Bool {
        id.count == mlfid.count
            && id.withUnsafeBufferPointer { id in id.count == 0 || memcmp(id.baseAddress!, mlfid.baseAddress!, id.count) == 0 }
    }

    /// Adds a connection (evicting the oldest when full); its slot, holding `state`. The
    /// slot's former state (of a dropped connection, or the `empty` one) comes back in
    /// `state`: its buffers can serve again.
    mutating func insert(_ mlfid: UnsafeBufferPointer<UInt8>, hash: UInt64, _ state: inout State) -> Int {
        if liveCount >= limit {
            while orderHead < order.count {
                let (slot, stamp) = order[orderHead]
                orderHead += 1
                if live[slot] && stamps[slot] == stamp {
                    remove(slot)
                    break
                }
            }
        }
        let slot = free.removeLast()
        ids[slot].removeAll(keepingCapacity: true)
        ids[slot].append(contentsOf: mlfid)
        hashes[slot] = hash
        live[slot] = true
        stamps[slot] = nextStamp
        swap(&states[slot], &state)
        order.append((slot, nextStamp))
        nextStamp += 1
        liveCount += 1
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while table[bucket] != 0 { bucket = (bucket + 1) & mask }
        table[bucket] = Int32(slot + 1)
        // Entries of dropped connections leave the order now and then, so that it holds
        // about as many entries as the cache, not every connection seen.
        if orderHead > 4 * limit || order.count - orderHead > 4 * limit {
            order = order[orderHead...].filter { live[$0.slot] && stamps[$0.slot] == $0.stamp }
            orderHead = 0
        }
        return slot
    }

    /// Drops the connection in `slot` (fail2ban's `Cache.unset`); its state stays in the
    /// slot until the slot is reused.
    mutating func remove(_ slot: Int) {
        live[slot] = false
        liveCount -= 1
        free.append(slot)
        var bucket = Int(truncatingIfNeeded: hashes[slot]) & mask
        while Int(table[bucket]) - 1 != slot { bucket = (bucket + 1) & mask }
        // Backward-shift deletion: later entries of the run move up to where a lookup
        // from their home bucket still finds them.
        var hole = bucket
        var next = (hole + 1) & mask
        while table[next] != 0 {
            let home = Int(truncatingIfNeeded: hashes[Int(table[next]) - 1]) & mask
            // The entry at `next` may fill the hole when its home is not in (hole, next].
            let distanceToNext = (next - home) & mask
            let distanceToHole = (next - hole) & mask
            if distanceToNext >= distanceToHole {
                table[hole] = table[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        table[hole] = 0
    }
}
