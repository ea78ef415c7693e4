import Analyzer
import Fail2banConfig
import Foundation
import Matcher

/// fail2ban-regex's report as it prints it: "Running tests" (what was read and how), then
/// `printStats`, section by section; and `-o`'s one line per failure.
package enum RegexReportText {
    /// What the "Running tests" part says.
    package struct Header: Sendable {
        /// The filter as given (a file's name and path are taken from the filter).
        package var filter: String
        package var ignoreregex: String?
        /// `-L` was given.
        package var maxLinesGiven: Bool
        /// The date patterns in use (given, else the filter's).
        package var datePatterns: [String]
        /// The log argument, and whether it was a line of log.
        package var log: String
        package var isLine: Bool
        /// The names of the inputs read.
        package var inputs: [String]
        /// The log is the systemd journal, read with this journalmatch.
        package var journal: Bool
        package var journalMatch: [String]

        package init(
            filter: String, ignoreregex: String?, maxLinesGiven: Bool, datePatterns: [String], log: String, isLine: Bool, inputs: [String],
            journal: Bool = false, journalMatch: [String] = []
        ) {
            self.journal = journal
            self.journalMatch = journalMatch
            self.filter = filter
            self.ignoreregex = ignoreregex
            self.maxLinesGiven = maxLinesGiven
            self.datePatterns = datePatterns
            self.log = log
            self.isLine = isLine
            self.inputs = inputs
        }
    }

    /// fail2ban-regex's "Running tests" part: what was read and how.
    package static func header(_ header: Header, _ compiled: CompiledFilter) -> String {
        var out = "\nRunning tests\n=============\n\n"
        if let file = compiled.config.files.last {
            out += "Use   failregex filter file : \(compiled.config.name), file: \(file)\n"
        } else {
            out += "Use   failregex line : \(short(header.filter))\n"
        }
        if let ignoreregex = header.ignoreregex { out += "Use ignoreregex line : \(short(ignoreregex))\n" }
        if compiled.maxLines > 1 || header.maxLinesGiven { out += "Use         maxlines : \(compiled.maxLines)\n" }
        if !header.datePatterns.isEmpty { out += "Use      datepattern : \(header.datePatterns.joined(separator: ", "))\n" }
        if header.journal {
            out += "Use         systemd journal\nUse         encoding : UTF-8\n"
            if !header.journalMatch.isEmpty { out += "Use    journal match : \(header.journalMatch.joined(separator: " "))\n" }
        } else if header.isLine {
            out += "Use      single line : \(short(header.log))\n"
        } else {
            for path in header.inputs { out += "Use         log file : \(path)\n" }
        }
        return out + "\n"
    }

    /// fail2ban's `shortstr`: at most 53 characters, the rest as "...".
    static func short(_ text: String) -> String { text.count > 53 ? String(text.prefix(50)) + "..." : text }

    /// fail2ban-regex's `printStats`, section by section; lines kept are printed when fewer
    /// than `limit` (or all of them when so asked).
    package static func results(
        _ report: RegexReport, _ compiled: CompiledFilter, seconds: Double, limit: Int, options: RegexReporter.Options
    ) -> String {
        let patterns = compiled.config.patterns
        var out = "\nResults\n=======\n"
        func list(_ items: [String], header: String? = nil) {
            guard !items.isEmpty else { return }
            out += (header.map { "|- \($0)\n" } ?? "") + "|  " + items.joined(separator: "\n|  ") + "\n`-\n"
        }
        let verbose = options.verbose
        if let hits = report.prefregexHits {
            out += "\nPrefregex: \(hits) total\n"
            // -v: the groups of the first lines it matched, as Python's dict.
            let groups = report.prefregexGroups.map { "    " + pythonDict($0) } + (report.prefregexGroupsCut ? ["    ..."] : [])
            // As fail2ban prints it: compiled for Python (tags expanded).
            let pattern = patterns.prefregex.map { Fail2banDialect(useDNS: patterns.useDNS).pythonPattern($0) } ?? ""
            list([pattern] + groups)
        }
        for (title, regexes, hits) in [
            ("Failregex", patterns.failregex, report.failregexHits), ("Ignoreregex", patterns.ignoreregex, report.ignoreregexHits),
        ] {
            out += "\n\(title): \(hits.reduce(0, +)) total\n"
            var items: [String] = []
            // -v lists every regex, and under each failregex each failure it found.
            for k in regexes.indices where hits[k] > 0 || verbose {
                items.append(String(format: "%2d) [%d] ", k + 1, hits[k]) + regexes[k])
                guard verbose, title == "Failregex" else { continue }
                for found in report.failregexFound[k] {
                    items.append(
                        "    \(found.id ?? "None")  \(ctime(found.time))\(found.multiple ? " (multiple regex matched)" : "")")
                }
            }
            list(items, header: " #) [# of hits] regular expression")
        }
        out += "\nDate template hits:\n"
        // In the detector's order at the end (fail2ban moves a template up as it gets hits);
        // -v lists the templates without hits too.
        let templates = report.templateOrder.order.filter { report.templateHits[$0] > 0 || verbose }
        list(templates.map { "[\(report.templateHits[$0])] \(report.templateNames[$0])" }, header: "[# of hits] date format")
        out += "\nLines: \(report.lines) lines, \(report.ignored) ignored, \(report.matched) matched, \(report.missed) missed\n"
        out += String(format: "[processed in %.2f sec]\n\n", seconds)
        for (kind, count, lines, keep) in [
            ("matched", report.matched, report.matchedLines, options.keepMatched),
            ("ignored", report.ignored, report.ignoredLines, options.keepIgnored),
            ("missed", report.missed, report.missedLines, options.keepMissed),
        ] where keep != .none && count > 0 {
            if count < limit || keep == .all {
                // fail2ban-regex prints each line rstripped.
                list(lines.map(Self.pythonRightStripped), header: kind.prefix(1).uppercased() + kind.dropFirst() + " line(s):")
            } else {
                out +=
                    "\(kind.prefix(1).uppercased() + kind.dropFirst()) line(s): too many to print.  Use --print-all-\(kind) to print all \(count) lines\n"
            }
        }
        return out
    }

    /// A prefregex's groups as Python prints the dict.
    static func pythonDict(_ groups: [RegexReport.Group]) -> String {
        PythonRepr.dict(
            groups.map { group in
                switch group.value {
                case .none: (group.name, "None")
                case .text(let text): (group.name, PythonRepr.string(text))
                case .tuple(let items): (group.name, PythonRepr.tuple(items))
                }
            })
    }

    /// Python's `time.strftime("%a %b %d %H:%M:%S %Y", time.localtime(t))` in the C locale;
    /// nil (a failure before any date) is the time of the run, as `localtime(None)`.
    static func ctime(_ time: Int?) -> String {
        var t = time_t(time ?? Int(Foundation.time(nil)))
        var p = tm()
        localtime_r(&t, &p)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@ %@ %02d %02d:%02d:%02d %d", days[Int(p.tm_wday)], months[Int(p.tm_mon)], Int(p.tm_mday), Int(p.tm_hour),
            Int(p.tm_min), Int(p.tm_sec), Int(p.tm_year) + 1900)
    }

    /// `text` without the whitespace Python's `str.rstrip()` strips at its end (what
    /// `str.isspace` calls whitespace: ASCII blanks and separators `\u{1C}`...`\u{1F}`, NEL,
    /// no-break space and the Unicode spaces).
    static func pythonRightStripped(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, isPythonSpace(last) { scalars.removeLast() }
        return String(scalars)
    }

    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// One failure as `-o` asks: `id`/`fid`, `ip`, `msg`, a field's name, or a template
    /// whose `<tag>`s are replaced (`<ip>`, `<fid>`, `<time>`, `<msg>`/`<matches>`,
    /// `<F-NAME>` and field names).
    package static func failure(_ token: String, _ found: RegexReporter.Found) -> String {
        switch token {
        case "id", "fid": return found.id
        case "ip": return found.ip
        case "msg", "matches": return found.lines.joined(separator: "\n")
        default: break
        }
        guard token.contains("<") else { return found.fields[token] ?? "None" }
        var values = found.fields
        values["ip"] = found.ip
        values["fid"] = found.id
        // Python prints its float (seconds plus the journal's microseconds, shortest form);
        // a failure without a date has the time of the run, as fail2ban-regex gives it.
        values["time"] =
            found.time.map { found.microseconds == 0 ? "\($0).0" : "\(Double($0) + Double(found.microseconds) / 1e6)" }
            ?? "\(Date().timeIntervalSince1970)"
        values["matches"] = found.lines.joined(separator: "\n")
        // fail2ban-regex writes a template with <msg> once per line of the failure.
        if token.contains("<msg>") && found.lines.count > 1 {
            return found.lines.map { line in
                var one = found
                one.lines = [line]
                return failure(token, one)
            }.joined(separator: "\n")
        }
        values["msg"] = found.lines.first ?? found.line
        var out = ""
        var rest = Substring(token)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            out += rest[..<open]
            let tag = String(rest[rest.index(after: open)..<close])
            let key = tag.hasPrefix("F-") ? String(tag.dropFirst(2)).lowercased() : tag
            if let value = values[key] {
                out += value
            } else if tag.hasPrefix("F-") {
                out += ""
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
