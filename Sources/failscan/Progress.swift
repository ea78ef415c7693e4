import Foundation
import LogSource
import OutputBasics
import Synchronization

/// Progress on standard error while a long scan runs: by default only when stderr is a
/// terminal (a line rewritten at most ten times a second), forced on with `--progress` (to
/// a file or pipe: a line every two seconds) or off with `--no-progress`; nothing for a run
/// that ends within its first second. Bytes scanned, the rate, and the time left from the
/// inputs' sizes on disk (a compressed file counts its compressed bytes, read as it is
/// inflated).
enum Progress {
    static let bytes = Atomic<Int>(0)
    static let stored = Atomic<Int>(0)
    /// Monotonic nanoseconds of the last line written (0: none yet).
    static let lastWrite = Atomic<Int>(0)
    static let started = Atomic<Int>(0)
    /// Whether lines are rewritten in place (a terminal) rather than appended.
    static let inPlace = Atomic<Bool>(false)

    /// A reporter for a scan of `paths`, or nil when no progress is shown.
    /// - Parameter mode: `--progress` (true), `--no-progress` (false), or nil: on a terminal.
    static func makeReporter(paths: [String], mode: Bool? = nil) -> (@Sendable (ReadProgress) -> Void)? {
        let terminal = Diagnostics.isTerminal
        guard mode ?? terminal else { return nil }
        let total = RotatedSet.storedSize(paths)
        inPlace.store(terminal, ordering: .relaxed)
        started.store(now(), ordering: .relaxed)
        let interval = terminal ? 100_000_000 : 2_000_000_000
        return { delta in
            let done = bytes.wrappingAdd(delta.bytes, ordering: .relaxed).newValue
            let read = stored.wrappingAdd(delta.stored, ordering: .relaxed).newValue
            let time = now()
            let begun = started.load(ordering: .relaxed)
            // Nothing for runs that end within a second.
            guard time - begun >= 1_000_000_000 else { return }
            let last = lastWrite.load(ordering: .relaxed)
            guard time - last >= interval, lastWrite.compareExchange(expected: last, desired: time, ordering: .relaxed).exchanged
            else { return }
            let text = ProgressLine.text(done: done, stored: read, total: total, seconds: Double(time - begun) / 1e9)
            Diagnostics.write(terminal ? "\r\u{1b}[K" + text : text + "\n")
        }
    }

    static func now() -> Int { Int(DispatchTime.now().uptimeNanoseconds) }

    static func finish() {
        if inPlace.load(ordering: .relaxed), lastWrite.load(ordering: .relaxed) > 0 { Diagnostics.write("\r\u{1b}[K") }
    }
}
