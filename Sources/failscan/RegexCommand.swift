import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import LogSource
import Matcher
import Output
import OutputBasics

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
            "Explain what the filter does with this line (LOG is not read; give -): the date template and the date it cut, the prefregex and its content, each failregex's captures or how many bytes of the content it got through; with --json, as one object.",
            valueName: "line"))
    var explain: String?

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
            "Run a second filter (a file, a name with arguments, or a failregex) over the same logs in the same pass and report the lines one matched and the other did not, and the matching time of each; with --json, as one object {\"compare\": ...}.",
            valueName: "filter2"))
    var compareFilter: String?

    @Option(
        name: [.customShort("L"), .customLong("maxlines")],
        help: ArgumentHelp("The filter's maxlines instead of its own (lines matched together).", valueName: "n"))
    var maxLines: Int?

    @Option(
        name: [.customShort("l"), .customLong("log-type")],
        help: ArgumentHelp(
            "The filter's logtype argument, unless the filter spec gives one: file (default), short, journal (lines from journalctl, no syslog prefix), rfc5424.",
            valueName: "type"))
    var logType: String?

    @Option(
        name: .customLong("usedns"),
        help: ArgumentHelp(
            "What a host name <HOST> matched counts as, as fail2ban's usedns: yes and warn look it up, raw keeps it, no drops it (and makes <HOST> match addresses only).",
            valueName: "mode"))
    var useDNS: UseDNS?

    @Argument(
        help: ArgumentHelp(
            "The log: a file (plain or compressed), a glob of files ('/var/log/auth.log*', read in the order given by --rotated's rule), - for standard input, or, as fail2ban-regex takes it, a log line when no such file exists.",
            valueName: "log"))
    var log: String

    @Argument(
        help: ArgumentHelp(
            "The filter: a .conf file, a name in <config>/filter.d (with arguments, sshd[mode=aggressive]), or a failregex.",
            valueName: "filter"))
    var filter: String

    @Argument(help: ArgumentHelp("An ignoreregex, or a filter whose ignoreregexes are added.", valueName: "ignoreregex"))
    var ignoreregex: String?

    func validate() throws {
        if printAllMissed && printNoMissed { throw ValidationError("--print-no-missed and --print-all-missed exclude each other") }
        if printAllIgnored && printNoIgnored { throw ValidationError("--print-no-ignored and --print-all-ignored exclude each other") }
        if let maxLines, maxLines < 1 || maxLines > 1000 { throw ValidationError("--maxlines must be from 1 to 1000") }
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

    func run() throws {
        try ExitStatus.run {
            var compiled = try CompiledFilter(
                spec: filter, options: filterArguments.filterOptions, regexFallback: true, ignore: ignoreregex,
                useDNS: useDNS, maxLines: maxLines, arguments: logType.map { ["logtype": $0] } ?? [:])
            for note in compiled.notes { Diagnostics.note("\(filter): \(note)") }
            let profiler = costs ? RegexProfiler(slots: compiled.matcher.profileSlots) : nil
            compiled.matcher.profiler = profiler
            if let explain {
                let explained = Self.explain(explain, compiled)
                if json {
                    StandardOutput.write(JSONLines().line(explained))
                } else {
                    StandardOutput.write(Self.explanation(explained))
                }
                return
            }
            let matcher = compiled.matcher
            if showPatterns {
                var out = matcher.translatedPatterns.map { "pattern: \($0)\n" }.joined()
                if let prefilter = matcher.prefilter {
                    out += prefilter.literals.map { "literal: \(String(decoding: $0, as: UTF8.self))\n" }.joined()
                } else {
                    out += "prefilter: none (\(matcher.prefilterNote ?? ""))\n"
                }
                for index in compiled.config.patterns.failregex.indices {
                    let quoted = { (set: [[UInt8]]) in set.map { "'\(String(decoding: $0, as: UTF8.self))'" }.joined(separator: " ") }
                    if let starts = matcher.failregexStarts(index) {
                        out += "failregex \(index + 1) starts: \(quoted(starts))\n"
                    } else if let literals = matcher.failregexLiterals(index) {
                        out += "failregex \(index + 1) needs one of: \(quoted(literals))\n"
                    } else {
                        out += "failregex \(index + 1) starts: anything (always tried)\n"
                    }
                }
                StandardOutput.write(out)
                return
            }
            // fail2ban-regex: a file, else the argument is a line of log; failscan also takes a glob.
            var paths = [log]
            var lineFile: String? = nil
            let globbed =
                log.contains(where: { "*?[".contains($0) }) && !FileManager.default.fileExists(atPath: log)
                ? RotatedSet.files(matching: [log], rotated: rotated) : []
            if log == "-" {
                paths = ["/dev/stdin"]
            } else if !globbed.isEmpty {
                paths = globbed
            } else if !FileManager.default.fileExists(atPath: log) {
                var template = Array((NSTemporaryDirectory() + "/failscan-line-XXXXXX").utf8CString)
                let fd = mkstemp(&template)
                guard fd >= 0 else { throw ExitStatus.NoInput() }
                let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                TemporaryFiles.begin([path])
                _ = (log + "\n").utf8CString.dropLast().withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                paths = [path]
                lineFile = path
            } else if rotated {
                paths = RotatedSet.files(matching: [log], rotated: true)
            }
            defer {
                if let lineFile {
                    unlink(lineFile)
                    TemporaryFiles.done()
                }
            }
            let shown = paths.map { $0 == lineFile ? "-" : $0 }
            if let compareFilter {
                try compare(compiled, with: compareFilter, paths: paths, shown: shown)
                return
            }
            if !json {
                try report(compiled, paths: paths, shown: shown, lineFile: lineFile != nil)
                if !costs { return }
            }
            let scanStarted = ContinuousClock.now
            let scan = Scan(filters: [compiled.scanFilter()], options: filterArguments.scanOptions(detailed: true))
            var out: [UInt8] = []
            let result = scan.run(paths) { (failure: Failure) in
                guard json else { return }
                let row = MatchedLineRow(
                    file: shown[failure.file], line: failure.line, time: failure.time, ip: failure.id.description,
                    failregex: failure.failregex + 1, fields: .init(values: failure.fields ?? [:]))
                row.writeJSON(to: &out)
                out.append(10)
                if out.count > 1 << 16 {
                    StandardOutput.write(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            // In text mode the report has said what went wrong with the input.
            if json {
                for warning in result.warnings { Diagnostics.warning(warning.description) }
                filterArguments.reportUnterminated(result)
            }
            guard result.filesRead > 0 else { throw ExitStatus.NoInput() }
            if json {
                StandardOutput.write(out)
                // After the matched lines, the report as one object {"report": ...}.
                try report(compiled, paths: paths, shown: shown, lineFile: lineFile != nil)
            }
            if let profiler {
                let elapsed = (ContinuousClock.now - scanStarted).components
                let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
                let totals = profiler.totals()
                let summary = CostSummary(
                    costs: Self.costs(totals, compiled),
                    prefilter: compiled.matcher.prefilter?.literals.map { String(decoding: $0, as: UTF8.self) } ?? [],
                    candidates: result.counters.candidates, lines: result.lines, bytes: result.bytes, seconds: seconds,
                    matcherNanoseconds: totals.matcherNanoseconds)
                if json {
                    // After the matched lines, one object of another shape: {"costs": ...}.
                    StandardOutput.write(JSONLines().line(summary))
                } else {
                    StandardOutput.write(Self.costReport(summary))
                }
            }
            if json && result.counters.limitHits > 0 {
                Diagnostics.warning("\(result.counters.limitHits) line(s) were given up on because a regex hit PCRE2's match limits")
            }
            if result.counters.invalidID > 0 {
                Diagnostics.warning(
                    "\(result.counters.invalidID) matched line(s) named an address that is not one (300.1.1.1, or ambiguous leading zeros as in 010.001.002.003); they were not counted"
                )
            }
            if result.counters.noDate > 0 {
                Diagnostics.warning(
                    "\(result.counters.noDate) matched line(s) had no date and no dated line above them; they were not counted")
            }
            if !result.warnings.isEmpty { throw ExitStatus.incompleteInput }
        }
    }

    /// One regex's costs (`--costs --json`).
    struct RegexCost: Encodable {
        var regex: String
        var role: String
        /// 1-based among the regexes of its role (1 for the prefregex).
        var number: Int
        var tried: Int
        var matched: Int
        /// Time charged to the regex: its gate (whether to try it), its search and what its
        /// result cost (captures, the id), until the next regex; the rows add up to the
        /// time spent matching lines.
        var nanoseconds: Int
        /// Of that, the time in PCRE2's search.
        var searchNanoseconds: Int
        var limitHits: Int
        /// The first line a match limit gave up on (the ReDoS example).
        var limitExample: String?
        /// A failregex's gate: "starts" (the first bytes it needs), "literals" (one of
        /// which it needs), "always" (tried on every candidate line).
        var gate: String?
        /// The bytes of that gate.
        var fedBy: [String]?
    }

    /// `--costs --json`: the last line of the output.
    struct CostSummary: Encodable {
        var costs: [RegexCost]
        /// The prefilter's literals (a line without one is not a candidate), or empty
        /// when there is no prefilter.
        var prefilter: [String]
        var candidates: Int
        var lines: Int
        var bytes: Int
        var seconds: Double
        /// Time in the matcher as a whole (the per-regex times account for it).
        var matcherNanoseconds: Int
    }

    /// The profiler's totals per regex, in slot order (prefregex when there is one).
    static func costs(_ totals: RegexProfileTotals, _ compiled: CompiledFilter) -> [RegexCost] {
        let patterns = compiled.config.patterns, matcher = compiled.matcher
        // Slot 0 is the prefregex, when the filter has one.
        let hasPrefregex = matcher.hasPrefregex
        var regexes: [(role: String, number: Int, regex: String)] = [("prefregex", 1, patterns.prefregex ?? "")]
        regexes += patterns.failregex.enumerated().map { ("failregex", $0.offset + 1, $0.element) }
        regexes += patterns.ignoreregex.enumerated().map { ("ignoreregex", $0.offset + 1, $0.element) }
        let text = { (set: [[UInt8]]) in set.map { String(decoding: $0, as: UTF8.self) } }
        return regexes.enumerated().compactMap { slot, entry in
            guard slot < totals.tries.count, slot > 0 || hasPrefregex else { return nil }
            var cost = RegexCost(
                regex: entry.regex, role: entry.role, number: entry.number, tried: totals.tries[slot], matched: totals.hits[slot],
                nanoseconds: totals.nanoseconds[slot], searchNanoseconds: totals.searchNanoseconds[slot], limitHits: totals.limitHits[slot],
                limitExample: totals.limitExamples[slot].map { String(decoding: $0.prefix { $0 != 10 }, as: UTF8.self) })
            if entry.role == "failregex" {
                if let starts = matcher.failregexStarts(entry.number - 1) {
                    (cost.gate, cost.fedBy) = ("starts", text(starts))
                } else if let literals = matcher.failregexLiterals(entry.number - 1) {
                    (cost.gate, cost.fedBy) = ("literals", text(literals))
                } else {
                    cost.gate = "always"
                }
            }
            return cost
        }
    }

    /// The `--costs` table: per regex, the lines it was tried on, those it matched, the
    /// time PCRE2 spent in it (summed over threads) and the searches a limit ended; what
    /// feeds each failregex; regexes a limit stopped, with an example line; the totals.
    static func costReport(_ summary: CostSummary) -> String {
        var out =
            "\nCosts (times summed over threads; \(summary.candidates) candidate line(s) from the prefilter; ms: the regex's gate, search and result, until the next regex; pcre2 ms: its search alone):\n"
        out += "|  regex              tried     matched       ms  pcre2 ms   ns/try  limits\n"
        for cost in summary.costs {
            let name = cost.role == "prefregex" ? cost.role : "\(cost.role) \(cost.number)"
            out +=
                "|  " + name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(
                    format: " %9d %11d %8.2f %9.2f %8.0f %7d\n", cost.tried, cost.matched, Double(cost.nanoseconds) / 1e6,
                    Double(cost.searchNanoseconds) / 1e6, cost.tried > 0 ? Double(cost.nanoseconds) / Double(cost.tried) : 0,
                    cost.limitHits)
        }
        let quoted = { (set: [String]) in set.map { "'\($0)'" }.joined(separator: " ") }
        out +=
            "|- fed by: " + (summary.prefilter.isEmpty ? "every line (no prefilter)" : "lines with one of \(quoted(summary.prefilter))")
            + "\n"
        for cost in summary.costs where cost.gate != nil {
            switch cost.gate {
            case "starts": out += "|  failregex \(cost.number): content starting with \(quoted(cost.fedBy ?? []))\n"
            case "literals": out += "|  failregex \(cost.number): content with one of \(quoted(cost.fedBy ?? []))\n"
            default: out += "|  failregex \(cost.number): every candidate\n"
            }
        }
        for cost in summary.costs where cost.limitHits > 0 {
            let name = cost.role == "prefregex" ? cost.role : "\(cost.role) \(cost.number)"
            out +=
                "|- ReDoS warning: \(name) hit PCRE2's match limit on \(cost.limitHits) line(s), e.g. \((cost.limitExample ?? "").debugDescription)\n"
        }
        let total = summary.costs.reduce(0) { $0 + $1.nanoseconds }
        let search = summary.costs.reduce(0) { $0 + $1.searchNanoseconds }
        out += String(
            format:
                "`- in all %.1f ms charged to regexes (%.1f ms in PCRE2) of %.1f ms matching lines; the run took %.3f s: %.0f lines/s, %.1f MB/s\n",
            Double(total) / 1e6, Double(search) / 1e6, Double(summary.matcherNanoseconds) / 1e6, summary.seconds,
            summary.seconds > 0 ? Double(summary.lines) / summary.seconds : 0,
            summary.seconds > 0 ? Double(summary.bytes) / 1e6 / summary.seconds : 0)
        return out
    }

    /// `--explain`'s findings for one line (its `--json` form).
    struct ExplainedLine: Encodable {
        struct DateCut: Encodable {
            var text: String
            var template: String
            /// Unix time; nil when the template matched an empty date (the last date is used).
            var time: Int?
        }
        struct Prefregex: Encodable {
            var matched: Bool
            var groups: [String: String]
        }
        struct Failregex: Encodable {
            var number: Int
            var regex: String
            var matched: Bool
            var groups: [String: String]?
            /// Bytes of the content the regex got through (all of them when it matched).
            var reached: Int
            /// The whole content fits the regex's beginning: it needs more text.
            var needsMore: Bool
        }
        var line: String
        var date: DateCut?
        var prefregex: Prefregex?
        var content: String
        var failregexes: [Failregex]
        var ignoredBy: [Int]
    }

    /// `--explain`: the line's way through the date detector and every regex.
    static func explain(_ text: String, _ compiled: CompiledFilter) -> ExplainedLine {
        let line = Array(text.utf8.prefix { $0 != 10 && $0 != 13 })
        var subject = line
        var date: ExplainedLine.DateCut? = nil
        line.withUnsafeBufferPointer { bytes in
            if let (template, match) = compiled.detector.explain(bytes, scratch: compiled.detector.makeScratch()) {
                date = .init(
                    text: String(decoding: bytes[match.range], as: UTF8.self), template: template,
                    time: match.usesLastDate ? nil : match.time)
                subject = Array(bytes[..<match.range.lowerBound]) + Array(bytes[match.range.upperBound...])
            }
        }
        subject.append(10)
        let matcher = compiled.matcher
        let explanation = subject.withUnsafeBufferPointer { matcher.explain(subject: $0, scratch: matcher.makeScratch()) }
        let length = explanation.content.utf8.count
        let failregexes = explanation.failregexes.enumerated().map { index, result in
            ExplainedLine.Failregex(
                number: index + 1, regex: compiled.config.patterns.failregex[index], matched: result.matched != nil,
                groups: result.matched, reached: min(result.reached, length),
                needsMore: result.matched == nil && result.reached > length)
        }
        return ExplainedLine(
            line: text, date: date, prefregex: explanation.prefregex.map { .init(matched: $0.matched, groups: $0.groups) },
            content: explanation.content, failregexes: failregexes, ignoredBy: explanation.ignoredBy)
    }

    /// `--explain` as text.
    static func explanation(_ explained: ExplainedLine) -> String {
        var out = "Line:      \(explained.line.debugDescription)\n"
        if let date = explained.date {
            out += "Date:      \(date.text.debugDescription) by template \(date.template)"
            out += date.time.map { " = \($0) (Unix time)\n" } ?? " (empty: the last date is used)\n"
        } else {
            out += "Date:      none found (fail2ban would use the last date, or skip the line)\n"
        }
        if let prefregex = explained.prefregex {
            let groups = prefregex.groups.isEmpty ? "" : " " + describe(prefregex.groups)
            out += "Prefregex: \(prefregex.matched ? "matched" : "did not match")\(groups)\n"
        }
        out += "Content:   \(explained.content.debugDescription)\n"
        for failregex in explained.failregexes {
            out += "|  \(failregex.number)) "
            if let groups = failregex.groups {
                out += "MATCHED \(describe(groups))\n"
            } else if explained.prefregex?.matched == false {
                out += "not tried (the prefregex did not match)\n"
            } else if failregex.needsMore {
                out += "no match: all of the content fits the beginning of this failregex, which needs more text\n"
            } else {
                let head = String(decoding: Array(explained.content.utf8.prefix(failregex.reached)), as: UTF8.self)
                out +=
                    "no match: got through \(failregex.reached) of \(explained.content.utf8.count) bytes, \(head.debugDescription) <- stops here\n"
            }
            out += "|     \(failregex.regex)\n"
        }
        for index in explained.ignoredBy { out += "Ignoreregex \(index) matched: the line is ignored\n" }
        return out
    }

    static func describe(_ groups: [String: String]) -> String {
        groups.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.debugDescription)" }.joined(separator: " ")
    }
}
