/// What fail2ban's systemd backend reads: journal files as one stream in time order,
/// and the `journalmatch` that selects their entries.
package struct JournalSelection: Sendable, Hashable {
    /// The journal files, read as one stream (sd-journal interleaves them in time order).
    package var files: [String]
    /// `journalmatch` groups, ORed; inside a group, terms on different fields ANDed and on
    /// the same field ORed (sd-journal's rule). Empty: every entry.
    package var matches: [[String]]
    /// How messages name the files (a compressed copy by its own name, not its inflated
    /// copy's), in the order of `files`.
    package var names: [String]
    /// Why the files cannot be read, found before reading (a compressed copy that does
    /// not inflate): the reader says it.
    package var problem: ScanError?

    package init(files: [String], matches: [[String]] = [], names: [String]? = nil, problem: ScanError? = nil) {
        self.files = files
        self.matches = matches
        self.names = names ?? files
        self.problem = problem
    }

    /// fail2ban's `journalmatch` text: groups separated by `+` (each group's terms split on
    /// blanks, as `shlex.split` splits the option); several texts (several `journalmatch`
    /// lines) are ORed too.
    package static func matches(_ texts: [String]) -> [[String]] {
        texts.flatMap { text in
            Shell.words(text).split(separator: "+", omittingEmptySubsequences: true).map(Array.init)
        }
    }

    /// How messages name it: its files.
    package var name: String { names.count == 1 ? names[0] : names.joined(separator: " ") }
}

/// Words split as Python's `shlex.split` splits them: on blanks, with single and double
/// quotes and backslashes.
package enum Shell {
    package static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        for c in text {
            if escaped {
                current.append(c)
                escaped = false
                continue
            }
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(c)
                }
                continue
            }
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            default:
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
