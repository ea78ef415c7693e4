import Foundation

/// A FIFO that blocks: `pop` waits for an item (nil once closed and empty), `push`
/// waits for room when a capacity is set. Used per chunk, never per line.
final class BlockingQueue<Element>: @unchecked Sendable {
    // SAFETY: `items` and `closed` are only touched with `condition` locked.
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private let capacity: Int
    private let condition = NSCondition()

    init(capacity: Int = .max) { self.capacity = capacity }

    func push(_ item: Element) {
        condition.lock()
        while items.count - head >= capacity { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count {
            if closed { return nil }
            condition.wait()
        }
        let item = items[head]
        head += 1
        if head > 64, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// No more pushes; waiting pops return nil once the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

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
