/// A buffer handed from a reader to a worker and back to the pool.
final class ChunkBuffer: @unchecked Sendable {
    // SAFETY: one owner at a time: the pool, then a reader (filling), then a worker
    // (matching), then the pool again; each hand-over goes through a BlockingQueue,
    // whose lock orders the memory accesses.
    let storage: UnsafeMutableRawBufferPointer
    var count = 0

    init(capacity: Int) { storage = .allocate(byteCount: capacity, alignment: 64) }
    deinit { storage.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
    }
}
