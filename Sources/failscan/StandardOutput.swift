import ArgumentParser
import Foundation
import LogSource
import OutputBasics

#if canImport(Glibc)
    import Glibc
#endif

/// Writes to standard output; a closed pipe ends the program quietly, as in ripgrep.
enum StandardOutput {
    /// Writes `text` to `file` atomically, or to standard output when there is none.
    /// - Throws: `WriteError` naming the file.
    static func deliver(_ text: String, to file: String?) throws {
        guard let file else { return write(text) }
        try AtomicFile.write(Array(text.utf8), to: file)
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let err = FileDescriptor.writeAll(1, bytes) else { return }
        if err == EPIPE { exit(0) }
        Diagnostics.error("cannot write to standard output: \(String(cString: strerror(err)))")
        exit(ExitStatus.noInputOrOutput.rawValue)
    }
}

extension StandardOutput {
    /// An output written piece by piece: to a file atomically (``AtomicFile/Writer``), or
    /// to standard output as it comes.
    final class Stream {
        let file: AtomicFile.Writer?
        var buffer: [UInt8] = []
        /// The first write error (later writes are dropped).
        private(set) var error: WriteError? = nil

        /// - Throws: `WriteError` when the file cannot be created.
        init(to path: String?) throws(WriteError) {
            file = try path.map { path throws(WriteError) in try AtomicFile.Writer(path) }
        }

        /// Appends by `body` (written out in pieces of about 1 MiB).
        func append(_ body: (inout [UInt8]) -> Void) {
            body(&buffer)
            if buffer.count >= 1 << 20 { flush() }
        }

        func flush() {
            defer { buffer.removeAll(keepingCapacity: true) }
            guard error == nil else { return }
            guard let file else { return StandardOutput.write(buffer) }
            do { try file.write(buffer) } catch { self.error = error }
        }

        /// Writes what is left and puts the file in place.
        /// - Throws: the first write error.
        func finish() throws(WriteError) {
            flush()
            if let error { throw error }
            try file?.commit()
        }
    }
}
