import Foundation

/// One configuration file parsed the way Python's `configparser` (as fail2ban sets it
/// up) reads it: `key = value` or `key: value`, indented continuation lines, blank lines
/// kept inside values, `#`/`;` comment lines, inline comments after ` ;`, option names
/// lower-cased.
///
/// Corresponds to fail2ban's `client/configparserinc.py` `SafeConfigParserWithIncludes`.
package struct IniFile: Sendable {
    /// A section's options in file order.
    package struct Section: Sendable {
        package var name: String
        package var options: [(key: String, value: String)] = []
        package subscript(key: String) -> String? {
            options.last(where: { $0.key == key })?.value
        }
        mutating func set(_ key: String, _ value: String) {
            if let index = options.firstIndex(where: { $0.key == key }) {
                options[index].value = value
            } else {
                options.append((key, value))
            }
        }
    }

    package let path: String
    package private(set) var sections: [Section] = []

    /// Reads and parses `path`.
    /// - Throws: `ConfigError` when the file cannot be read or a line is not INI.
    package init(path: String) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, "cannot read file")
        }
        try self.init(path: path, text: String(decoding: data, as: UTF8.self))
    }

    /// Parses `text` as if read from `path`.
    package init(path: String, text: String) throws(ConfigError) {
        self.path = path
        var current: Int? = nil
        var key: String? = nil
        var valueLines: [String] = []
        var keyIndent = 0

        func finish(_ sections: inout [Section]) {
            guard let section = current, let k = key else { return }
            while let last = valueLines.last, last.isEmpty { valueLines.removeLast() }
            sections[section].set(k, valueLines.joined(separator: "\n"))
            key = nil
            valueLines = []
        }

        for (number, rawLine) in IniFile.lines(of: text).enumerated() {
            let line = String(rawLine)
            let stripped = IniFile.stripped(line)
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { continue }
            let content = IniFile.removingInlineComment(line)
            let trimmed = IniFile.stripped(content)
            if trimmed.isEmpty {
                if key != nil { valueLines.append("") }
                continue
            }
            let indent = line.unicodeScalars.prefix(while: { $0 == " " || $0 == "\t" }).count
            if key != nil, indent > keyIndent {
                valueLines.append(trimmed)
                continue
            }
            if trimmed.hasPrefix("["), let close = trimmed.lastIndex(of: "]") {
                finish(&sections)
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                if let existing = sections.firstIndex(where: { $0.name == name }) {
                    current = existing
                } else {
                    sections.append(Section(name: name))
                    current = sections.count - 1
                }
                continue
            }
            finish(&sections)
            guard current != nil else {
                throw ConfigError(file: path, line: number + 1, "option outside any [section]: \(trimmed)")
            }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw ConfigError(file: path, line: number + 1, "expected 'name = value', found: \(trimmed)")
            }
            let name = IniFile.stripped(trimmed[..<delimiter]).lowercased()
            guard !name.isEmpty else { throw ConfigError(file: path, line: number + 1, "missing option name: \(trimmed)") }
            key = name
            keyIndent = indent
            valueLines = [IniFile.stripped(trimmed[trimmed.index(after: delimiter)...])]
        }
        finish(&sections)
    }

    /// The lines of `text` as Python reads a file in text mode (universal newlines): `\n`,
    /// `\r\n` and a lone `\r` end a line. (Split by `Character`, `\r\n` is one character
    /// and no line ended there: a CRLF filter had "no failregex".)
    static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        var index = start
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == 10 || byte == 13 {
                lines.append(text[start..<index])
                var next = bytes.index(after: index)
                if byte == 13, next != bytes.endIndex, bytes[next] == 10 { next = bytes.index(after: next) }
                start = next
                index = next
            } else {
                index = bytes.index(after: index)
            }
        }
        lines.append(text[start..<bytes.endIndex])
        return lines
    }

    /// Python's `str.strip()`: white space as `str.isspace` sees it, on both ends.
    /// (Foundation's `trimmingCharacters(in:)` made reading sshd.conf and common.conf cost
    /// 60 million instructions, most of a run's start-up.)
    package static func stripped(_ text: some StringProtocol) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isPythonSpace($0) })!
        // One copy of the bytes (appending the scalars one by one cost 25,000 instructions a
        // line: 19.7 million of sshd's start-up).
        return String(text[first..<scalars.index(after: last)])
    }

    /// Python's `str.isspace` for one character.
    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Python's `inline_comment_prefixes=";"`: a `;` preceded by white space starts a comment.
    static func removingInlineComment(_ line: String) -> String {
        var previous: Unicode.Scalar = " "
        let scalars = line.unicodeScalars
        for index in scalars.indices {
            let c = scalars[index]
            if c == ";", previous == " " || previous == "\t" { return String(scalars[..<index]) }
            previous = c
        }
        return line
    }

    package func section(_ name: String) -> Section? { sections.first { $0.name == name } }
}
