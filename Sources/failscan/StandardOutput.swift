import ArgumentParser
import Foundation
import LogSource
import Output

#if canImport(Glibc)
    import Glibc
#endif

/// Writes to standard output; a closed pipe ends the program quietly, as in ripgrep.
enum StandardOutput {

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
    /// The settings of an output to `file`, or to standard output when there is none; the
    /// run's clock starts now.
    static func settings(_ file: String?) -> OutputSettings {
        var settings = OutputSettings(path: file, now: Int(Date().timeIntervalSince1970), standardOutput: { write($0) })
        settings.command = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        return settings
    }
}
