import Foundation

/// A FIFO that blocks: `pop` waits for an item (nil once closed and empty), `push`
/// waits for room when a capacity is set. Used per chunk, never per line.
final class BlockingQueue<Element>: @unchecked Sendable {
    // SAFETY: `items` and `closed` are only touched with `condition` locked.
    /// Popped slots are cleared at once: a popped item (a chunk's matches) must not stay
    /// alive until the array is compacted.
    private var items: [Element?] = []
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
        return takeHead()
    }

    /// The next item if there is one now (never waits).
    func tryPop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return head < items.count ? takeHead() : nil
    }

    /// Takes the first item (there is one; `condition` is locked) and wakes the waiters.
    private func takeHead() -> Element {
        let item = items[head].take()!
        head += 1
        if head > 64, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// Items waiting now.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }

    /// No more pushes; waiting pops return nil once the queue is empty.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
