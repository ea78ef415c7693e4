import ArgumentParser
import Foundation
import LogSource
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

/// failscan's JSON: sorted keys, slashes as they are, one object a line.
struct JSONLines {
    let encoder: JSONEncoder

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// `value` as one line of JSON, newline included (plain values cannot fail to encode).
    func line(_ value: some Encodable) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self) + "\n"
    }
}
