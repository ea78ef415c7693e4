import Analyzer
import LogSource
import OutputBasics

#if canImport(Glibc)
    import Glibc
#endif

/// Messages on standard error. A message is one line whatever it quotes: control
/// characters in it (from a log's path, a ledger's id or shard, a filter) are written
/// escaped, so that a newline cannot forge a `failscan: error:` line and an escape
/// sequence never reaches the terminal.
enum Diagnostics {
    static func error(_ message: String) { write("failscan: error: \(TerminalText.escaped(message))\n") }
    static func warning(_ message: String) { write("failscan: warning: \(TerminalText.escaped(message))\n") }
    static func note(_ message: String) { write("failscan: note: \(TerminalText.escaped(message))\n") }

    /// What a run found, in order.
    static func report(_ findings: [Finding]) {
        for finding in findings {
            switch finding.level {
            case .warning: warning(finding.message)
            case .note: note(finding.message)
            }
        }
    }

    static func write(_ text: String) {
        var text = text
        // A message that cannot be written is lost: there is nowhere else to say it.
        text.withUTF8 { _ = FileDescriptor.writeAll(2, UnsafeRawBufferPointer($0)) }
    }
    static var isTerminal: Bool { isatty(2) == 1 }
}
