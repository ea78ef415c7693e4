/// A log file (or bytes in memory) opened and cut into chunks of whole lines: the
/// ``LineSource`` of files, the one way the scan, the regex report, the lines `--compare`
/// shows and the ledgers open a file, choose its decompressor, fill buffers and count what
/// they had to cut.
///
/// A line longer than a chunk is cut at the chunk's size and counted (``warnings`` says
/// how many); a last line without `\n` is left out unless ``LogReader/init(_:capacity:engine:keepsUnterminatedLine:)``
/// keeps it, and its bytes are counted in ``unterminatedBytes``.
package final class LogReader: LineSource {
    /// What is read.
    package let input: LogInput
    /// The compression detected from the input's first bytes.
    package let compression: Compression
    let source: any ByteSource
    let chunker: LineChunker

    /// Opens `input`.
    /// - Parameters:
    ///   - capacity: the size of every buffer given to ``fill(_:)``, and the longest line kept whole.
    ///   - keepsUnterminatedLine: read a last line that has no `\n` (it may be half written).
    /// - Throws: `ScanError` when the file cannot be opened or its compression is not supported.
    package init(
        _ input: LogInput, capacity: Int = 1 << 20, engine: InflateEngine = .isal, keepsUnterminatedLine: Bool = false
    ) throws(ScanError) {
        self.input = input
        switch input {
        case .file(let path): (source, compression) = try LogFile.open(path, engine: engine)
        case .memory(_, let bytes): (source, compression) = (MemorySource(bytes), .none)
        case .journal(let selection): throw ScanError(.open, path: selection.name, "a journal is read by JournalReader")
        }
        chunker = LineChunker(source: source, capacity: capacity)
        chunker.keepsUnterminatedLine = keepsUnterminatedLine
    }

    /// The size of the buffers ``fill(_:)`` takes.
    package var capacity: Int { chunker.capacity }

    /// Fills `buffer` (of ``capacity`` bytes) with whole lines.
    /// - Returns: how many bytes hold whole lines, or nil at the end of the input.
    package func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int? { try chunker.fill(buffer) }

    /// Decompressed bytes read so far.
    package var bytesRead: Int { chunker.bytesRead }
    /// Bytes of the file as stored read so far (compressed, for a compressed file).
    package var storedBytesRead: Int { source.storedBytesRead }
    /// Lines cut because they were longer than a chunk.
    package var longLines: Int { chunker.longLines }
    /// Bytes of a last line without `\n` that were left out.
    package var unterminatedBytes: Int { chunker.unterminatedBytes }

    /// Problems met that did not stop reading: the decompressor's (trailing garbage), and
    /// lines cut for their length.
    package var warnings: [ScanError] {
        var warnings = source.warnings
        if longLines > 0 {
            warnings.append(ScanError(.lineTooLong, path: input.name, "\(longLines) line(s) longer than \(capacity) bytes were cut"))
        }
        return warnings
    }

    /// The SHA-1 of the input's first line with its `\n`, as fail2ban's database keeps it to
    /// recognise a file (``SHA1``); "" when the input has no complete first line of at most
    /// 16 MiB. Read after the input's end (or at least its first line).
    package var firstLineHash: String { chunker.firstLineEnded ? SHA1.hexDigest(chunker.firstLine) : "" }

    /// Whether what ``firstLineHash`` hashes is known (its `\n` was read, or it is too long).
    package var firstLineRead: Bool { chunker.firstLineDone }
}
