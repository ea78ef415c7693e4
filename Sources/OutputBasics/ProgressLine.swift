import Foundation

/// The line of progress a long scan shows on standard error.
package enum ProgressLine {
    /// `failscan: 523 MiB of 1024 MiB, 2100 MB/s, 0:03 left`; once compressed bytes were
    /// read (the text read is not what was read from disk)
    /// `failscan: 1523 MiB (120 of 300 MiB on disk), 2100 MB/s, 0:03 left`; no total, no
    /// time left.
    /// - Parameters:
    ///   - done: bytes of text scanned; `stored`: bytes of the files read as stored.
    ///   - total: the files' sizes on disk.
    package static func text(done: Int, stored: Int, total: Int?, seconds: Double) -> String {
        let compressed = stored != done
        let rate = seconds > 0 ? Double(done) / 1e6 / seconds : 0
        var text = "failscan: \(done >> 20) MiB"
        if let total, total >= stored {
            text += compressed ? " (\(stored >> 20) of \(total >> 20) MiB on disk)" : " of \(total >> 20) MiB"
        }
        text += String(format: ", %.0f MB/s", rate)
        let storedRate = seconds > 0 ? Double(stored) / seconds : 0
        if let total, total >= stored, storedRate > 0 {
            let left = Int((Double(total - stored) / storedRate).rounded(.up))
            text += String(format: ", %d:%02d left", left / 60, left % 60)
        }
        return text
    }
}
