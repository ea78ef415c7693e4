import Analyzer

#if canImport(Glibc)
    import Glibc
#endif

/// Messages on standard error. A message is one line whatever it quotes: control
/// characters in it (from a log's path, a ledger's id or shard, a filter) are written
/// escaped, so that a newline cannot forge a `failscan: error:` line and an escape
/// sequence never reaches the terminal.
enum Diagnostics {
    static func error(_ message: String) { write("failscan: error: \(escaped(message))\n") }
    static func warning(_ message: String) { write("failscan: warning: \(escaped(message))\n") }
    static func note(_ message: String) { write("failscan: note: \(escaped(message))\n") }

    /// What a run found, in order.
    static func report(_ findings: [Finding]) {
        for finding in findings {
            switch finding.level {
            case .warning: warning(finding.message)
            case .note: note(finding.message)
            }
        }
    }

    /// `text` with C0 and C1 control characters and DEL written as `\n`, `\t`, `\r` or
    /// `\x1b`-style escapes (a backslash itself stays as it is).
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{\(hex)}"
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
    static var isTerminal: Bool { isatty(2) == 1 }
}
