extension FilterMatcher {
    /// The prefregex's named groups on `subject` (a line without its date, then `\n`, or a
    /// multi-line buffer), in the order the pattern defines them, nil for a group that took
    /// no part: Python's `groupdict()`, which fail2ban-regex -v prints for the first lines.
    /// nil when the filter has no prefregex or it does not match (or hits a limit).
    public func prefregexGroups(subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch) -> [(name: String, value: String?)]? {
        // The line goes where matching sends it, as fail2ban decodes it.
        if UnicodeText.needsUnicode(subject), let text = unicodeText?.matcher {
            return text.matcher.prefregexGroups(subject: scratch.unicodeLine(subject).line, scratch: scratch)
        }
        guard let prefregex, let base = subject.baseAddress,
            (try? prefregex.regex.search(base, length: subject.count, scratch: scratch.pcre)) == true
        else { return nil }
        return prefregex.regex.groupNumbers.sorted { $0.value < $1.value }.map { name, group in
            (name, scratch.pcre.range(ofGroup: group).map { String(decoding: subject[$0], as: UTF8.self) })
        }
    }
}
