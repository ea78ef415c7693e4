/// Python's `repr` of the values fail2ban-regex prints with it (`str`, `None`, tuples of
/// them, dicts of them), character for character: so that a diff against its output shows
/// only real differences.
package enum PythonRepr {
    /// `repr(str)`: single quotes unless the text has one and no double quote; backslash,
    /// the quote, `\t`, `\n`, `\r` escaped; other control characters and non-printable
    /// characters (Python's `str.isprintable`: not Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs but the
    /// space) as `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
    package static func string(_ text: String) -> String {
        let quote: Unicode.Scalar = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for c in text.unicodeScalars {
            switch c {
            case quote, "\\": out += "\\" + String(c)
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += escaped(c.value, "x", 2)
                } else if c.value < 0x7F || isPrintable(c) {
                    out.unicodeScalars.append(c)
                } else {
                    out +=
                        c.value <= 0xFF ? escaped(c.value, "x", 2) : c.value <= 0xFFFF ? escaped(c.value, "u", 4) : escaped(c.value, "U", 8)
                }
            }
        }
        out.unicodeScalars.append(quote)
        return out
    }

    /// `repr` of a text or `None`.
    package static func optional(_ text: String?) -> String { text.map(string) ?? "None" }

    /// `repr(tuple)` of texts or `None`s: `('a', None)`, `('a',)`.
    package static func tuple(_ items: [String?]) -> String {
        "(" + items.map(optional).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
    }

    /// `repr(dict)` whose keys are texts and whose values are already `repr`s, in order.
    package static func dict(_ items: [(key: String, value: String)]) -> String {
        "{" + items.map { string($0.key) + ": " + $0.value }.joined(separator: ", ") + "}"
    }

    static func escaped(_ value: UInt32, _ kind: String, _ digits: Int) -> String {
        let hex = String(value, radix: 16)
        return "\\" + kind + String(repeating: "0", count: max(0, digits - hex.count)) + hex
    }

    static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: false
        default: true
        }
    }
}
