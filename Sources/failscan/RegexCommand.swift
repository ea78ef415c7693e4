import Analyzer
import ArgumentParser
import Fail2banConfig

/// `failscan regex`: fail2ban-regex's report, and what a filter author needs beyond it.
struct RegexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regex",
        abstract: "Test a filter on logs: fail2ban-regex's report, its costs, two filters compared.",
        discussion: """
            Prints fail2ban-regex's report with its sections and numbers: prefregex, failregex \
            and ignoreregex hits (every failregex that matches a line counts), date template \
            hits, and Lines: N lines, N ignored, N matched, N missed; the lines themselves with \
            --print-all-*. -o prints one line per failure instead, as fail2ban-regex -o.

            With --json, prints one object per matched line (file, line (1-based), time (Unix \
            seconds), ip (or the failure id), failregex (1-based, as fail2ban-regex numbers \
            them) and fields (captured <F-USER> and the like)), then the report as one object \
            {"report": ...}. --costs adds what each regex cost, --compare a second filter over \
            the same logs, --explain what the filter does with one line.
            """
    )

    @OptionGroup var filterArguments: FilterArguments

    @Flag(name: .long, help: "Print one JSON object per matched line.")
    var json = false

    @Flag(
        name: .customLong("show-patterns"),
        help:
            "Print the PCRE2 patterns the filter translates to (prefregex first), the prefilter's literals and the first bytes each failregex needs, then exit."
    )
    var showPatterns = false

    @Flag(name: .long, help: "Also read the log's rotated siblings (log.1, log.2.gz, ...), oldest first.")
    var rotated = false

    @Flag(
        name: .long,
        help:
            "After the report, what each regex cost: lines it was tried on, lines it matched, time in PCRE2, searches a match limit ended (a regex that hits limits is a ReDoS risk); with --json, a last line {\"costs\": ...}."
    )
    var costs = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Explain what the filter does with this line (no LOG is read: give the filter alone, or - before it): the date template and the date it cut, the prefregex and its content, each failregex's captures or how many bytes of the content it got through (where a greedy group took the rest: the literal it looked for that the line lacks); with --json, as one object.",
            valueName: "line"))
    var explain: String?

    @Flag(name: .customLong("explain-all"), help: "With --explain: also list the failregexes that got through no byte of the content.")
    var explainAll = false

    @Flag(name: .customLong("print-all-matched"), help: "After the report, print every matched line.")
    var printAllMatched = false

    @Flag(name: .customLong("print-all-missed"), help: "Print every missed line, however many (by default only when fewer than 20).")
    var printAllMissed = false

    @Flag(name: .customLong("print-all-ignored"), help: "Print every ignored line, however many (by default only when fewer than 20).")
    var printAllIgnored = false

    @Flag(name: .customLong("print-no-missed"), help: "Do not print missed lines.")
    var printNoMissed = false

    @Flag(name: .customLong("print-no-ignored"), help: "Do not print ignored lines.")
    var printNoIgnored = false

    @Flag(
        name: .customLong("no-check-all"),
        help:
            "Stop at the first failregex that matches a line, as fail2ban-server does (the report counts every failregex that matches by default, as fail2ban-regex)."
    )
    var noCheckAll = false

    @Option(
        name: [.customShort("o"), .customLong("out")],
        help: ArgumentHelp(
            "Print only this of each failure, one per line, as fail2ban-regex -o: id, fid, ip, msg (the line), a field name (user), or a template with tags (\"<ip> <F-USER> <time>\").",
            valueName: "token"))
    var out: String?

    @Option(
        name: .customLong("compare"),
        help: ArgumentHelp(
            "Run a second filter (a file, a name with arguments, or a failregex) over the same logs in the same pass and report the lines one matched and the other did not (the first 20 of each side; --print-all-matched: all), and the matching time of each; with --json, as one object {\"compare\": ...}.",
            valueName: "filter2"))
    var compareFilter: String?

    @Option(
        name: [.customShort("L"), .customLong("maxlines")],
        help: ArgumentHelp("The filter's maxlines instead of its own (lines matched together).", valueName: "n"))
    var maxLines: Int?

    @Option(
        name: [.customShort("l"), .customLong("log-type")],
        help: ArgumentHelp(
            "The filter's logtype argument, unless the filter spec gives one: file (default), short, journal (lines from journalctl, no syslog prefix), rfc5424. (Not fail2ban-regex's -l log level: failscan's messages have no levels.)",
            valueName: "type"))
    var logType: String?

    /// `--usedns`, `-r` included.
    var hostMode: UseDNS? { raw ? .raw : useDNS }

    /// The log types fail2ban's common.conf knows.
    static let logTypes = ["file", "short", "journal", "rfc5424"]

    @Flag(
        name: [.customShort("r"), .customLong("raw")],
        help: "Keep host names as they are, not resolved (fail2ban-regex's -r): --usedns raw.")
    var raw = false

    // fail2ban-regex's options failscan does not take, refused with what does the job here.
    @Flag(name: [.customShort("D"), .customLong("debuggex")], help: .hidden) var debuggex = false
    @Option(name: [.customShort("e"), .customLong("encoding")], help: .hidden) var encoding: String?
    @Flag(name: [.customLong("verbose-date"), .customLong("VD")], help: .hidden) var verboseDate = false
    @Flag(
        name: [.customShort("v"), .customLong("verbose")],
        help:
            "As fail2ban-regex -v: every failregex and date template listed, hits or not; under each failregex every failure it found (id and time); the prefregex's groups on the first 20 lines it matched (-L: that many), as Python prints them."
    )
    var verbosity: Int

    /// `-v` given.
    var verbose: Bool { verbosity > 0 }

    @Option(name: .customLong("output"), help: .hidden) var outputFile: String?
    @Option(name: .customLong("format"), help: .hidden) var formatOption: String?

    @Option(
        name: [.customShort("m"), .customLong("journalmatch")],
        help: ArgumentHelp(
            "With a systemd-journal log: the journal matches instead of the filter's journalmatch, as journalctl takes them (FIELD=value, groups ORed with +).",
            valueName: "matches"))
    var journalMatch: String?

    @Option(
        name: .customLong("usedns"),
        help: ArgumentHelp(
            "What a host name <HOST> matched counts as, as fail2ban's usedns: yes and warn look it up, raw keeps it, no drops it (and makes <HOST> match addresses only).",
            valueName: "mode"))
    var useDNS: UseDNS?

    @Argument(
        help: ArgumentHelp(
            "The log: a file (plain or compressed), a glob of files ('/var/log/auth.log*', read in the order given by --rotated's rule), - for standard input, the systemd journal as fail2ban-regex takes it (systemd-journal[journalfiles=\"GLOB GLOB\"], systemd-journal[journalpath=DIR], or systemd-journal alone for /var/log/journal), or, as fail2ban-regex takes it, a log line when no such file exists.",
            valueName: "log"), completion: .file())
    var logGiven: String?

    /// The log (given unless -V).
    var log: String { logGiven ?? "" }

    @Flag(name: .customShort("V"), help: "Print failscan's version number alone and exit (fail2ban-regex -V prints its own).")
    var shortVersion = false

    @Argument(
        help: ArgumentHelp(
            "The filter: a .conf file, a name in <config>/filter.d (with arguments, sshd[mode=aggressive]), or a failregex (with --explain, it may be the only argument).",
            valueName: "filter"), completion: .filters)
    var filterGiven: String?

    /// The filter: with --explain, the one argument given (no LOG is read then).
    var filter: String { filterGiven ?? log }

    @Argument(help: ArgumentHelp("An ignoreregex, or a filter whose ignoreregexes are added.", valueName: "ignoreregex"))
    var ignoreregex: String?

    func validate() throws {
        if shortVersion { return }
        if logGiven == nil { throw ValidationError("Missing expected argument '<log>'") }
        if filterGiven == nil && explain == nil { throw ValidationError("Missing expected argument '<filter>'") }
        if explainAll && explain == nil { throw ValidationError("--explain-all goes with --explain LINE") }
        if let logType, !Self.logTypes.contains(logType.lowercased()) {
            throw ValidationError(
                "-l/--log-type \(logType): not a log type (\(Self.logTypes.joined(separator: ", "))); here -l is the filter's logtype, not fail2ban-regex's log level (failscan's messages have no levels)"
            )
        }
        if raw && useDNS != nil && useDNS != .raw { throw ValidationError("-r/--raw is --usedns raw: give one of them") }
        if debuggex {
            throw ValidationError(
                "-D/--debuggex: failscan makes no debuggex.com links (nothing leaves the machine); --explain LINE shows the date, the prefregex and how far each failregex got"
            )
        }
        if let encoding, !["utf-8", "utf8"].contains(encoding.lowercased()) {
            throw ValidationError(
                "-e/--encoding \(encoding): failscan reads logs as UTF-8, invalid bytes replaced as Python does (fail2ban's encoding on a UTF-8 system); convert other encodings first (iconv -f \(encoding) -t UTF-8)"
            )
        }
        if verbosity > 1 {
            throw ValidationError(
                "-vv: fail2ban-regex's second level adds the filter's option values (logtype, datepattern, arguments); failscan has -v only (--show-patterns prints the filter's regexes as read)"
            )
        }
        if verbose && (out != nil || json || explain != nil || showPatterns || compareFilter != nil) {
            throw ValidationError(
                "-v/--verbose details fail2ban-regex's text report: it does not go with --out, --json, --explain, --show-patterns or --compare"
            )
        }
        if outputFile != nil {
            throw ValidationError(
                "--output: regex prints to standard output (redirect it: > FILE); -o/--out is fail2ban-regex's failure template")
        }
        if let formatOption {
            throw ValidationError(
                "--format \(formatOption): regex prints fail2ban-regex's report, or --json; the output formats are scan's and jails' (failscan scan --filter FILTER --format \(formatOption) LOG)"
            )
        }
        if verboseDate {
            throw ValidationError(
                "--verbose-date/--VD: --show-patterns prints the date templates' patterns, --explain LINE the template and date a line gets"
            )
        }
        if printAllMissed && printNoMissed { throw ValidationError("--print-no-missed and --print-all-missed exclude each other") }
        if printAllIgnored && printNoIgnored { throw ValidationError("--print-no-ignored and --print-all-ignored exclude each other") }
        if let maxLines, maxLines < 1 || maxLines > 1000 { throw ValidationError("--maxlines must be from 1 to 1000") }
        if journalMatch != nil, !RegexLog.namesJournal(log) {
            throw ValidationError("--journalmatch reads the systemd journal only (a log argument systemd-journal[...])")
        }
        if out != nil && (json || costs || explain != nil || showPatterns) {
            throw ValidationError("--out prints only failures: it does not go with --json, --costs, --explain or --show-patterns")
        }
        if compareFilter != nil && (out != nil || costs || explain != nil || showPatterns) {
            throw ValidationError("--compare reports on both filters: it does not go with --out, --costs, --explain or --show-patterns")
        }
        if out == "row" {
            throw ValidationError(
                "--out row (Python's repr of each failure) is not supported; use a template such as \"<ip> <time> <F-USER>\"")
        }
    }
}
