import OutputBasics

/// An output written piece by piece: to a file atomically (``AtomicFile/Writer``: a
/// temporary file renamed into place at the end), or to standard output as it comes.
package final class StreamedOutput {
    let file: AtomicFile.Writer?
    let standardOutput: @Sendable (String) -> Void
    var buffer: [UInt8] = []
    /// The first write error (later writes are dropped).
    private(set) var error: WriteError? = nil

    /// - Throws: `WriteError` when the file cannot be created.
    package init(_ settings: OutputSettings) throws(OutputError) {
        do {
            file = try settings.path.map { path throws(WriteError) in try AtomicFile.Writer(path) }
        } catch {
            throw .write(error)
        }
        standardOutput = settings.standardOutput
    }

    /// Appends by `body` (written out in pieces of about 1 MiB).
    package func append(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard error == nil else { return }
        guard let file else { return standardOutput(String(decoding: buffer, as: UTF8.self)) }
        do { try file.write(buffer) } catch { self.error = error }
    }

    /// Writes what is left and puts the file in place.
    /// - Throws: the first write error.
    package func finish() throws(OutputError) {
        flush()
        if let error { throw .write(error) }
        do { try file?.commit() } catch { throw .write(error) }
    }
}
