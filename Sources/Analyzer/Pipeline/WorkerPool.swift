import Foundation
import Synchronization

/// Runs jobs on a fixed number of our own threads (blocking file I/O does not belong
/// in async tasks); each worker keeps its own per-thread state.
public enum WorkerPool {
    /// Runs `job(worker, index)` for every index in `0..<jobs` on `threads` threads and
    /// returns when all are done. Jobs are taken in index order.
    public static func run(threads: Int, jobs: Int, _ job: @escaping @Sendable (Int, Int) -> Void) {
        let workers = max(1, min(threads, jobs))
        if workers <= 1 {
            for index in 0..<jobs { job(0, index) }
            return
        }
        let next = Counter()
        let group = DispatchGroup()
        for worker in 0..<workers {
            group.enter()
            let thread = Thread {
                while true {
                    let index = next.value.wrappingAdd(1, ordering: .relaxed).oldValue
                    if index >= jobs { break }
                    job(worker, index)
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
    }

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
}

/// A slot per job, filled by workers and read once all are done.
public final class ResultSlots<T: Sendable>: Sendable {
    let storage: Mutex<[T?]>
    public init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    public func set(_ index: Int, _ value: T) { storage.withLock { $0[index] = value } }
    public func values() -> [T?] { storage.withLock { $0 } }
}
