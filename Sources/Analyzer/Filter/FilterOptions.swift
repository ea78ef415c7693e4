import LogSource

/// How filters are read and compiled, and how their dates are read: the options every
/// command that runs a filter shares.
package struct FilterOptions: Sendable {
    /// The fail2ban configuration root: where filter names and includes are looked up.
    package var configDirectory: String
    /// "Now" for the year of dates without one (fail2ban's rule); nil anchors the rule on
    /// each file's modification time.
    package var now: Int?
    /// Date patterns instead of the filter's `datepattern`.
    package var datePatterns: [String]
    /// The zone of dates without one, instead of the jail's `logtimezone` or local time.
    package var timeZone: String?
    /// Whether to run the literal prefilter (filters with `maxlines` > 1 never do).
    package var prefilter: Bool
    /// Whether PCRE2's JIT compiler is required (else its interpreter runs).
    package var jit: Bool
    /// The system the configuration and its logs belong to (`--root`): includes, filters,
    /// logpaths and journal paths resolved inside it; nil for this system.
    package var root: FileRoot? = nil

    package init(
        configDirectory: String = "/etc/fail2ban", now: Int? = nil, datePatterns: [String] = [],
        timeZone: String? = nil, prefilter: Bool = true, jit: Bool = true
    ) {
        self.configDirectory = configDirectory
        self.now = now
        self.datePatterns = datePatterns
        self.timeZone = timeZone
        self.prefilter = prefilter
        self.jit = jit
    }

    /// How the year of a date without one is chosen under these options.
    package var yearAnchor: YearAnchor { now == nil ? .fileModificationTime : .fixedNow }

    /// Which rule gives dates without a year their year, for the statistics line.
    package var yearRule: String {
        guard let now else { return "year of dates without one: fail2ban's rule anchored on each file's modification time" }
        return "year of dates without one: fail2ban's rule with --now \(now)"
    }
}
