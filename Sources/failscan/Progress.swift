import Foundation
import LogSource
import Synchronization

/// Progress on standard error while a long scan runs, only when stderr is a terminal: bytes
/// scanned, the rate, and the time left when the inputs are plain files (their sizes are
/// the total), at most ten times a second.
enum Progress {
    static let bytes = Atomic<Int>(0)
    /// Monotonic nanoseconds of the last line written.
    static let lastWrite = Atomic<Int>(0)
    static let started = Atomic<Int>(0)

    /// A reporter for a scan of `paths`, or nil when stderr is not a terminal.
    static func makeReporter(paths: [String]) -> (@Sendable (Int) -> Void)? {
        guard Diagnostics.isTerminal else { return nil }
        let total = RotatedSet.plainSize(paths)
        started.store(now(), ordering: .relaxed)
        return { delta in
            let done = bytes.wrappingAdd(delta, ordering: .relaxed).newValue
            let time = now()
            let last = lastWrite.load(ordering: .relaxed)
            guard time - last >= 100_000_000,
                lastWrite.compareExchange(expected: last, desired: time, ordering: .relaxed).exchanged
            else { return }
            Diagnostics.write("\r\u{1b}[K" + line(done: done, total: total, seconds: Double(time - started.load(ordering: .relaxed)) / 1e9))
        }
    }

    /// `failscan: 523 MiB of 1024 MiB, 2100 MB/s, 0:03 left` (no total, no time left).
    static func line(done: Int, total: Int?, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(done) / 1e6 / seconds : 0
        var text = "failscan: \(done >> 20) MiB"
        if let total, total >= done { text += " of \(total >> 20) MiB" }
        text += String(format: ", %.0f MB/s", rate)
        if let total, total >= done, rate > 0 {
            let left = Int((Double(total - done) / 1e6 / rate).rounded(.up))
            text += String(format: ", %d:%02d left", left / 60, left % 60)
        }
        return text
    }

    static func now() -> Int { Int(DispatchTime.now().uptimeNanoseconds) }

    static func finish() {
        if Diagnostics.isTerminal, bytes.load(ordering: .relaxed) > 0 { Diagnostics.write("\r\u{1b}[K") }
    }
}
