import Fail2banConfig
import Matcher

/// The log lines of a successful login, which tell a legitimate user's address from an
/// attacker's: `<HOST>` is the address, `<F-USER>` the user.
///
/// A jail's `successregex` replaces its filter's (a line `<filter>` stands for the
/// filter's); a filter's `successregex` (in its `.conf` or `.local`, `%(...)s` and tags
/// expanded as for failregex) replaces failscan's default for the filter's name
/// (``defaults``). Both are failscan's own options: fail2ban ignores them.
package enum SuccessPatterns {
    /// failscan's success regexes for stock filter families and the seed filters, searched
    /// in the line after its date as failregexes are.
    package static let defaults: [String: [String]] = [
        "sshd": [#"\bsshd(?:-session)?(?:\[\d+\])?: Accepted \S+ for <F-USER>\S+</F-USER> from <HOST>"#],
        // ` rip=` as fail2ban's own dovecot filter writes it (a quarter of PCRE2's time on a
        // login, against `\brip=`: no word-boundary test at every byte).
        "dovecot": [#"(?:pop3|imap|managesieve|submission)-login: (?:Info: )?Login: user=<<F-USER>[^>]*</F-USER>>.*? rip=<HOST>"#],
        "postfix": [
            #"\bpostfix(?:-\w+)?/\w+(?:/smtp[ds])?\[\d+\]: \w+: client=\S*\[<HOST>\](?::\d+)?, sasl_method=\S+, sasl_username=<F-USER>\S+</F-USER>"#
        ],
        "courier-auth": [#"(?:pop3|imap)d(?:-ssl)?: LOGIN, user=<F-USER>[^,]+</F-USER>, ip=\[<HOST>\]"#],
        "qpopperauth": qpopper,
        "qpoppermail": qpopper,
    ]

    /// Qpopper's login line, the same in its auth.log and mail.log forms.
    static let qpopper = [#"qpopper.* POP login by user "<F-USER>[^"]*</F-USER>" at \(\S*\) <HOST>"#]

    /// The success regexes of `jail` with its filter `filter`; empty when there are none.
    package static func regexes(jail: JailConfig, filter: FilterConfig) -> [String] {
        let filters = filter.successRegex ?? defaults[filter.name] ?? []
        guard let own = jail.successRegex else { return filters }
        return own.flatMap { $0.split(separator: " ").joined() == "<filter>" ? filters : [$0] }
    }

    /// A filter of `regexes` that reads dates as `filter` does (no prefregex, one line at a
    /// time), for the same scan.
    /// - Throws: `FilterError` naming the jail and the regex that does not compile, or that
    ///   has `<F-MLFID>`.
    package static func compile(
        _ regexes: [String], like filter: CompiledFilter, jail: JailConfig, options: FilterOptions
    ) throws(FilterError) -> CompiledFilter {
        let config = FilterConfig(
            name: filter.config.name + " (successregex)",
            patterns: FilterPatterns(prefregex: nil, failregex: regexes, ignoreregex: [], useDNS: filter.config.patterns.useDNS),
            datePatterns: filter.config.datePatterns, maxLines: 1, files: filter.config.files)
        let compiled: CompiledFilter
        do {
            compiled = try CompiledFilter(config: config, options: options, logTimeZone: jail.logTimeZone)
        } catch {
            throw FilterError(file: error.file, "[\(jail.name)] successregex: \(error.reason)")
        }
        // A login is one line: merged multi-line matches would not be logins.
        if compiled.matcher.usesMultiLineIDs {
            throw FilterError(
                file: filter.config.files.last ?? filter.config.name,
                "[\(jail.name)] successregex: <F-MLFID> is not for logins (each login is one line)")
        }
        return compiled
    }
}
