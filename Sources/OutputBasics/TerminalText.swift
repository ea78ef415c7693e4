/// Text for one line of a terminal or a log: what a message quotes (a log's path, a
/// ledger's id or shard, a filter) cannot forge another line or reach the terminal as an
/// escape sequence.
package enum TerminalText {
    /// `text` with C0 and C1 control characters and DEL written as `\n`, `\t`, `\r` or
    /// `\x1b`-style escapes (a backslash itself stays as it is).
    package static func escaped(_ text: String) -> String {
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

    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
