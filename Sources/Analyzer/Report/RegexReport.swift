import LogSource

/// What fail2ban-regex reports on a filter and some logs, counted as it counts: the
/// lines tested (not empty, not a `#` comment), each ignored (an ignoreregex or an
/// `<F-NOFAIL>` match), matched (a failure, even one still waiting for its id) or missed;
/// the hits of the prefregex, of each failregex (every failregex that matches a line is
/// counted, fail2ban-regex's `checkAllRegex`) and ignoreregex; the date templates' hits.
///
/// Corresponds to fail2ban's `client/fail2banregex.py` (`Fail2banRegex.testRegex`,
/// `process`, `printStats`, `LineStats`). ``RegexReporter`` fills it.
package struct RegexReport: Sendable {
    package var lines = 0
    package var ignored = 0
    package var matched = 0
    package var missed: Int { lines - ignored - matched }
    /// Lines the prefregex matched (nil: the filter has none).
    package var prefregexHits: Int?
    package var failregexHits: [Int]
    package var ignoreregexHits: [Int]
    /// Per date template (``templateNames``), the lines whose date it found.
    package var templateHits: [Int]
    package let templateNames: [String]
    /// The lines kept for printing, as ``RegexReporter/Options`` asks.
    package var matchedLines: [String] = []
    package var ignoredLines: [String] = []
    package var missedLines: [String] = []
    /// Lines given up on because a regex hit PCRE2's limits (counted as missed).
    package var limitHits = 0
    /// Uncompressed bytes read.
    package var bytes = 0
    /// Files that could be read.
    package var filesRead = 0
    package var warnings: [ScanError] = []
    /// Files whose last line had no newline and was left out, with its length.
    package var unterminated: [(path: String, bytes: Int)] = []

    init(failregexes: Int, ignoreregexes: Int, prefregex: Bool, templateNames: [String]) {
        failregexHits = Array(repeating: 0, count: failregexes)
        ignoreregexHits = Array(repeating: 0, count: ignoreregexes)
        prefregexHits = prefregex ? 0 : nil
        self.templateNames = templateNames
        templateHits = Array(repeating: 0, count: templateNames.count)
    }
}
