import Dispatch

/// Independent pieces of work run on every core, their results kept in order.
package enum Parallel {
    /// `body(0) ... body(count - 1)`, run concurrently; the results in index order.
    package static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { k in slots.base[k] = body(k) }
        return (0..<count).map { slots.base[$0]! }
    }

    /// One slot per piece of work, outside any array (no copy-on-write check is shared).
    private final class Slots<T>: @unchecked Sendable {
        // SAFETY: iteration k writes slot k only; read after concurrentPerform joins.
        let base: UnsafeMutablePointer<T?>
        let count: Int
        init(_ count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }
}
