import ArgumentParser
import Output
#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard output; a closed pipe ends the program quietly, as in ripgrep.
enum StandardOutput {
    /// Writes `text` to `file` atomically, or to standard output when there is none.
    /// - Throws: `AtomicFile.WriteError` naming the file.
    static func deliver(_ text: String, to file: String?) throws {
        guard let file else { return write(text) }
        try AtomicFile.write(Array(text.utf8), to: file)
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { exit(0) }
                    Diagnostics.error("cannot write to standard output: \(String(cString: strerror(errno)))")
                    exit(ExitStatus.noInputOrOutput.rawValue)
                }
                offset += n
            }
        }
    }
}
