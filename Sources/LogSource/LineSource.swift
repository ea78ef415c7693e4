/// Chunks of whole lines from one input: what the scan, the regex report and the ledgers
/// read. A log file, plain or compressed, is one (``LogReader``); another kind of log (the
/// systemd journal) is another conformance, opened by its ``LogInput`` case, and nothing
/// past this module changes.
package protocol LineSource: AnyObject {
    /// What is read.
    var input: LogInput { get }
    /// The compression detected from the input's first bytes (`.none` for other sources).
    var compression: Compression { get }
    /// The size of the buffers ``fill(_:)`` takes, and the longest line kept whole.
    var capacity: Int { get }
    /// Fills `buffer` (of ``capacity`` bytes) with whole lines.
    /// - Returns: how many bytes hold whole lines, or nil at the end of the input.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int?
    /// Bytes read so far (decompressed).
    var bytesRead: Int { get }
    /// Bytes of the input as stored read so far (a compressed file's compressed bytes).
    var storedBytesRead: Int { get }
    /// Bytes of a last line without `\n` that were left out.
    var unterminatedBytes: Int { get }
    /// Problems met that did not stop reading.
    var warnings: [ScanError] { get }
    /// The SHA-1 of the first line with its `\n`, as fail2ban's database keeps it ("" when
    /// there is no complete first line).
    var firstLineHash: String { get }
    /// Where a journal was read up to (nil for log files).
    var journalEnd: JournalEnd? { get }
}

/// The last journal entry read: what fail2ban's database keeps of a journal (its `logs`
/// row `systemd-journal`: the entry's date text and time), from where a fail2ban-server
/// started on the database reads on.
package struct JournalEnd: Sendable, Equatable {
    /// The date as the line has it, with its trailing space (fail2ban's `line[1]`).
    package var dateText: String
    /// Microseconds since the epoch.
    package var microseconds: Int64

    package init(dateText: String, microseconds: Int64) {
        self.dateText = dateText
        self.microseconds = microseconds
    }
}

extension LineSource {
    package var journalEnd: JournalEnd? { nil }
    /// As stored: the text itself, unless the source says otherwise.
    package var storedBytesRead: Int { bytesRead }
}

extension LineSource {
    /// Calls `body` with each chunk of whole lines, in a buffer of its own, until the end
    /// or until `body` returns false.
    package func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>) throws(ScanError) -> Bool) throws(ScanError) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { storage.deallocate() }
        while let count = try fill(storage) {
            guard try body(UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)) else {
                return
            }
        }
    }
}

extension LogInput {
    /// Opens the input for reading in chunks of whole lines.
    /// - Parameters:
    ///   - capacity: the size of every chunk, and the longest line kept whole.
    ///   - engine: gzip's inflater.
    ///   - keepsUnterminatedLine: read a last line that has no `\n` (it may be half written).
    /// - Throws: `ScanError` when the input cannot be opened or its format is not read.
    package func open(capacity: Int = 1 << 20, engine: InflateEngine = .isal, keepsUnterminatedLine: Bool = false) throws(ScanError)
        -> any LineSource
    {
        switch self {
        case .file, .memory: try LogReader(self, capacity: capacity, engine: engine, keepsUnterminatedLine: keepsUnterminatedLine)
        case .journal(let selection): try JournalReader(selection, capacity: capacity)
        }
    }
}
