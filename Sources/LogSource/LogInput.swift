/// A log to read: a file (plain or compressed, a FIFO, `/dev/stdin`), bytes already in
/// memory (a log line given on the command line), or systemd journal files.
package enum LogInput: Sendable, Hashable {
    case file(String)
    /// Bytes read as a log, named `name` in messages and reports.
    case memory(name: String, bytes: [UInt8])
    /// Journal entries, each read as the line fail2ban's systemd backend matches, its
    /// time in front (``JournalReader``).
    case journal(JournalSelection)

    /// How messages and reports name it.
    package var name: String {
        switch self {
        case .file(let path): path
        case .memory(let name, _): name
        case .journal(let selection): selection.name
        }
    }

    /// Whether it is journal entries (their times are read, not detected).
    package var isJournal: Bool {
        if case .journal = self { return true }
        return false
    }

    /// The log file's path, or nil for bytes in memory and journals.
    package var path: String? {
        if case .file(let path) = self { return path }
        return nil
    }
}

/// Bytes in memory as a byte source.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    var offset = 0
    var warnings: [ScanError] { [] }
    var storedBytesRead: Int { offset }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int {
        let n = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}
