import Analyzer
import Fail2banConfig
import Foundation
import LogSource
import Matcher

extension RegexCommand {
    /// fail2ban-regex's report (or, with `-o`, its one line per failure) on `paths`.
    func report(_ compiled: CompiledFilter, paths: [String], shown: [String], lineFile: Bool) throws {
        var options = RegexReporter.Options()
        // fail2ban-regex keeps maxlines + 1 lines of each kind and prints them when fewer
        // than maxlines (its -L, else 20).
        let limit = maxLines ?? 20
        options.checkAll = !noCheckAll && out == nil
        options.ignorePending = out != nil
        options.keepMatched = printAllMatched ? .all : .none
        options.keepMissed = printNoMissed ? .none : printAllMissed ? .all : .first(limit + 1)
        options.keepIgnored = printNoIgnored ? .none : printAllIgnored ? .all : .first(limit + 1)
        options.useDNS = useDNS ?? (compiled.config.patterns.useDNS ? .warn : .no)
        var unshared = compiled
        unshared.matcher.profiler = nil
        let reporter = RegexReporter(filter: unshared, options: options)
        let started = ContinuousClock.now
        if let out {
            var text = ""
            reporter.run(paths, scanOptions: filterArguments.scanOptions()) { found in
                for failure in found { text += Self.format(out, failure) + "\n" }
                if text.utf8.count > 1 << 16 {
                    StandardOutput.write(text)
                    text = ""
                }
            }
            StandardOutput.write(text)
        } else {
            reporter.run(paths, scanOptions: filterArguments.scanOptions())
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let report = reporter.report
        if json {
            // The scan before this one has said what went wrong with the input.
            let object = ["report": ReportObject(report, compiled, seconds: seconds)]
            StandardOutput.write(JSONLines().line(object))
            return
        }
        for warning in report.warnings { Diagnostics.warning(warning.description) }
        for file in report.unterminated {
            Diagnostics.note(
                "\(file.path): the last line has no newline (\(file.bytes) bytes) and was not read: it may be half written (--count-unterminated reads it)"
            )
        }
        guard report.filesRead > 0 else { throw ExitStatus.NoInput() }
        if out == nil {
            StandardOutput.write(
                header(compiled, shown: shown, lineFile: lineFile)
                    + Self.text(report, compiled, seconds: seconds, limit: limit, options: options))
        }
        if report.limitHits > 0 {
            Diagnostics.warning("\(report.limitHits) line(s) were given up on because a regex hit PCRE2's match limits (counted as missed)")
        }
        if !report.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }

    /// The report as JSON (`--json`): fail2ban-regex's sections as numbers.
    struct ReportObject: Encodable {
        struct Hits: Encodable {
            var number: Int
            var regex: String
            var hits: Int
        }
        struct TemplateHits: Encodable {
            var template: String
            var hits: Int
        }
        var lines: Int
        var ignored: Int
        var matched: Int
        var missed: Int
        var prefregex: Int?
        var failregex: [Hits]
        var ignoreregex: [Hits]
        var dateTemplates: [TemplateHits]
        var bytes: Int
        var seconds: Double

        init(_ report: RegexReport, _ compiled: CompiledFilter, seconds: Double) {
            let patterns = compiled.config.patterns
            lines = report.lines
            ignored = report.ignored
            matched = report.matched
            missed = report.missed
            prefregex = report.prefregexHits
            failregex = patterns.failregex.indices.map {
                Hits(number: $0 + 1, regex: patterns.failregex[$0], hits: report.failregexHits[$0])
            }
            ignoreregex = patterns.ignoreregex.indices.map {
                Hits(number: $0 + 1, regex: patterns.ignoreregex[$0], hits: report.ignoreregexHits[$0])
            }
            dateTemplates = report.templateNames.indices.filter { report.templateHits[$0] > 0 }.map {
                TemplateHits(template: report.templateNames[$0], hits: report.templateHits[$0])
            }
            bytes = report.bytes
            self.seconds = seconds
        }
    }

    /// fail2ban-regex's "Running tests" part: what was read and how.
    func header(_ compiled: CompiledFilter, shown: [String], lineFile: Bool) -> String {
        var out = "\nRunning tests\n=============\n\n"
        if let file = compiled.config.files.last {
            out += "Use   failregex filter file : \(compiled.config.name), file: \(file)\n"
        } else {
            out += "Use   failregex line : \(Self.short(filter))\n"
        }
        if let ignoreregex { out += "Use ignoreregex line : \(Self.short(ignoreregex))\n" }
        if compiled.maxLines > 1 || maxLines != nil { out += "Use         maxlines : \(compiled.maxLines)\n" }
        let dates = filterArguments.datePatterns.isEmpty ? compiled.config.datePatterns : filterArguments.datePatterns
        if !dates.isEmpty { out += "Use      datepattern : \(dates.joined(separator: ", "))\n" }
        if lineFile {
            out += "Use      single line : \(Self.short(log))\n"
        } else {
            for path in shown { out += "Use         log file : \(path)\n" }
        }
        return out + "\n"
    }

    /// fail2ban's `shortstr`: at most 53 characters, the rest as "...".
    static func short(_ text: String) -> String { text.count > 53 ? String(text.prefix(50)) + "..." : text }

    /// fail2ban-regex's `printStats`, section by section.
    static func text(_ report: RegexReport, _ compiled: CompiledFilter, seconds: Double, limit: Int, options: RegexReporter.Options)
        -> String
    {
        let patterns = compiled.config.patterns
        var out = "\nResults\n=======\n"
        func list(_ items: [String], header: String? = nil) {
            guard !items.isEmpty else { return }
            out += (header.map { "|- \($0)\n" } ?? "") + "|  " + items.joined(separator: "\n|  ") + "\n`-\n"
        }
        if let hits = report.prefregexHits {
            out += "\nPrefregex: \(hits) total\n"
            list([patterns.prefregex ?? ""])
        }
        for (title, regexes, hits) in [
            ("Failregex", patterns.failregex, report.failregexHits), ("Ignoreregex", patterns.ignoreregex, report.ignoreregexHits),
        ] {
            out += "\n\(title): \(hits.reduce(0, +)) total\n"
            list(
                regexes.indices.filter { hits[$0] > 0 }.map { String(format: "%2d) [%d] ", $0 + 1, hits[$0]) + regexes[$0] },
                header: " #) [# of hits] regular expression")
        }
        out += "\nDate template hits:\n"
        let templates = report.templateNames.indices.filter { report.templateHits[$0] > 0 }
            .sorted { report.templateHits[$0] > report.templateHits[$1] }
        list(templates.map { "[\(report.templateHits[$0])] \(report.templateNames[$0])" }, header: "[# of hits] date format")
        out += "\nLines: \(report.lines) lines, \(report.ignored) ignored, \(report.matched) matched, \(report.missed) missed\n"
        out += String(format: "[processed in %.2f sec]\n\n", seconds)
        for (kind, count, lines, keep) in [
            ("matched", report.matched, report.matchedLines, options.keepMatched),
            ("ignored", report.ignored, report.ignoredLines, options.keepIgnored),
            ("missed", report.missed, report.missedLines, options.keepMissed),
        ] where keep != .none && count > 0 {
            if count < limit || keep == .all {
                list(lines, header: kind.prefix(1).uppercased() + kind.dropFirst() + " line(s):")
            } else {
                out +=
                    "\(kind.prefix(1).uppercased() + kind.dropFirst()) line(s): too many to print.  Use --print-all-\(kind) to print all \(count) lines\n"
            }
        }
        return out
    }

    /// One failure as `-o` asks: `id`/`fid`, `ip`, `msg`, a field's name, or a template
    /// whose `<tag>`s are replaced (`<ip>`, `<fid>`, `<time>`, `<msg>`/`<matches>`,
    /// `<F-NAME>` and field names).
    static func format(_ token: String, _ found: RegexReporter.Found) -> String {
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
        values["time"] = found.time.map { "\($0).0" } ?? "None" // Python prints its float
        values["matches"] = found.lines.joined(separator: "\n")
        // fail2ban-regex writes a template with <msg> once per line of the failure.
        if token.contains("<msg>") && found.lines.count > 1 {
            return found.lines.map { line in
                var one = found
                one.lines = [line]
                return format(token, one)
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
