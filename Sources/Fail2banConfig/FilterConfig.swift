import Matcher

/// A fail2ban filter read from its configuration: regexes ready for the matcher, plus
/// the options that drive date detection.
package struct FilterConfig: Sendable {
    /// The filter's name (file name without `.conf`).
    package let name: String
    package let patterns: FilterPatterns
    /// `datepattern` lines, if the filter sets any.
    package let datePatterns: [String]
    package let maxLines: Int
    /// The files read, in order.
    package let files: [String]
    /// Things the user should know (missing includes, and so on).
    package let notes: [String]
    /// `successregex` lines, if the filter sets any: failscan's own option (fail2ban
    /// ignores it), the lines of a successful login, `<HOST>` and `<F-USER>` captured, that
    /// `failscan tune` uses to find legitimate users.
    package let successRegex: [String]?
    /// `journalmatch` lines (fail2ban's systemd backend: which journal entries the filter
    /// reads), each line's groups separated by `+`.
    package var journalMatch: [String] = []

    package init(
        name: String, patterns: FilterPatterns, datePatterns: [String] = [], maxLines: Int = 1,
        files: [String] = [], notes: [String] = [], successRegex: [String]? = nil, journalMatch: [String] = []
    ) {
        self.journalMatch = journalMatch
        self.name = name
        self.patterns = patterns
        self.datePatterns = datePatterns
        self.maxLines = maxLines
        self.files = files
        self.notes = notes
        self.successRegex = successRegex
    }

    /// The same filter with more ignoreregexes.
    package func ignoring(_ regexes: [String]) -> FilterConfig {
        var patterns = self.patterns
        patterns.ignoreregex += regexes
        return FilterConfig(
            name: name, patterns: patterns, datePatterns: datePatterns, maxLines: maxLines, files: files, notes: notes,
            successRegex: successRegex, journalMatch: journalMatch)
    }

    /// The filter as a jail with `usedns` runs it: `no` makes `<HOST>` match addresses
    /// only (fail2ban's `Regex(useDns=...)`).
    package func usingDNS(_ mode: UseDNS) -> FilterConfig {
        var patterns = self.patterns
        patterns.useDNS = mode != .no
        return FilterConfig(
            name: name, patterns: patterns, datePatterns: datePatterns, maxLines: maxLines, files: files, notes: notes,
            successRegex: successRegex, journalMatch: journalMatch)
    }

    /// The same filter with another `maxlines` (fail2ban-regex's `-L`).
    package func withMaxLines(_ lines: Int) -> FilterConfig {
        FilterConfig(
            name: name, patterns: patterns, datePatterns: datePatterns, maxLines: lines, files: files, notes: notes,
            successRegex: successRegex, journalMatch: journalMatch)
    }
}
