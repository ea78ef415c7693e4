import Analyzer
import Fail2banConfig
import Foundation
import Matcher

/// The regex command's reports beyond fail2ban-regex's, as text: the filter's patterns, a
/// line explained, what each regex cost, two filters compared.
package enum RegexDetailText {
    /// `--show-patterns`: the PCRE2 patterns the filter translates to (prefregex first), the
    /// prefilter's literals, and the first bytes or literals each failregex needs.
    package static func patterns(_ compiled: CompiledFilter) -> String {
        let matcher = compiled.matcher
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
            } else if let sets = matcher.failregexLiterals(index) {
                out += "failregex \(index + 1) needs one of: " + sets.map(quoted).joined(separator: "; and one of: ") + "\n"
            } else {
                out += "failregex \(index + 1) starts: anything (always tried)\n"
            }
        }
        return out
    }

    /// `--costs`: per regex, the lines it was tried on, those it matched, the time PCRE2
    /// spent in it (summed over threads) and the searches a limit ended; what feeds each
    /// failregex; regexes a limit stopped, with an example line; the totals.
    package static func costs(_ summary: RegexCosts) -> String {
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
            case "literals": out += "|  failregex \(cost.number): content with each of \(quoted(cost.fedBy ?? []))\n"
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

    /// `--explain` as text.
    /// - Parameter all: also list the failregexes that got through no byte (else named in
    ///   one line); the others come first, the furthest first.
    package static func explanation(_ explained: LineExplanation, all: Bool = false) -> String {
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
        // The failregexes by how far they got: matched, then those the content ran out
        // for, then by the bytes they got through (fail2ban's numbers kept).
        func progress(_ f: LineExplanation.Failregex) -> Int { f.groups != nil ? Int.max : f.needsMore ? Int.max - 1 : f.reached }
        let tried = explained.prefregex?.matched != false
        let ordered =
            tried
            ? explained.failregexes.enumerated().sorted { (progress($0.1), -$0.0) > (progress($1.1), -$1.0) }.map(\.1)
            : explained.failregexes
        let hidden = all || !tried ? [] : ordered.filter { progress($0) == 0 }
        for failregex in ordered where !hidden.contains(where: { $0.number == failregex.number }) {
            out += "|  \(failregex.number)) "
            if let groups = failregex.groups {
                out += "MATCHED \(describe(groups))\n"
            } else if explained.prefregex?.matched == false {
                out += "not tried (the prefregex did not match)\n"
            } else if failregex.needsMore, let missing = failregex.missing {
                out += "no match: a group took the rest of the content looking for \(literal(missing)), which the content does not have\n"
            } else if failregex.needsMore {
                out += "no match: all of the content fits the beginning of this failregex, which needs more text\n"
            } else {
                let head = String(decoding: Array(explained.content.utf8.prefix(failregex.reached)), as: UTF8.self)
                out +=
                    "no match: got through \(failregex.reached) of \(explained.content.utf8.count) bytes, \(head.debugDescription) <- stops here\n"
            }
            out += "|     \(failregex.regex)\n"
        }
        if !hidden.isEmpty {
            out +=
                "|  (\(hidden.count) failregex\(hidden.count == 1 ? "" : "es") got through no byte: \(hidden.map { String($0.number) }.joined(separator: ", ")); --explain-all lists them)\n"
        }
        for index in explained.ignoredBy { out += "Ignoreregex \(index) matched: the line is ignored\n" }
        return out
    }

    /// A required literal, or "one of" its alternatives.
    static func literal(_ strings: [String]) -> String {
        strings.count == 1 ? strings[0].debugDescription : "one of " + strings.map(\.debugDescription).joined(separator: ", ")
    }

    static func describe(_ groups: [String: String]) -> String {
        groups.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.debugDescription)" }.joined(separator: " ")
    }

    /// `--compare` as text: the counts, each side's cost, and the lines only one matched.
    package static func comparison(_ c: FilterComparison) -> String {
        var out = "\nCompare\n=======\n\n"
        out += "A: \(c.a.filter)\nB: \(c.b.filter)\n\n"
        out +=
            "Lines: \(c.lines) lines; A matched \(c.a.matched), B matched \(c.b.matched); both \(c.both), only A \(c.a.only), only B \(c.b.only)\n"
        func cost(_ side: FilterComparison.Side) -> String {
            let ms = Double(side.matcherNanoseconds) / 1e6
            let perLine = side.candidates > 0 ? Double(side.matcherNanoseconds) / Double(side.candidates) : 0
            let rate = side.matcherNanoseconds > 0 ? Double(c.bytes) / 1e6 / (Double(side.matcherNanoseconds) / 1e9) : 0
            return String(
                format: "%.1f ms matching, %d candidate line(s), %.0f ns per candidate, %.0f MB/s of log per core", ms, side.candidates,
                perLine, rate)
        }
        out += "Cost:  A \(cost(c.a))\n       B \(cost(c.b))\n"
        if c.a.matcherNanoseconds > 0 {
            out += String(format: "       B/A time %.2f\n", Double(c.b.matcherNanoseconds) / Double(c.a.matcherNanoseconds))
        }
        out += String(format: "[one pass over %.1f MB in %.2f sec]\n", Double(c.bytes) / 1e6, c.seconds)
        for (name, side) in [("A", c.a), ("B", c.b)] where side.only > 0 {
            let header =
                side.only > side.onlyLines.count
                ? "Only \(name) (first \(side.onlyLines.count) of \(side.only); --print-all-matched lists them all):" : "Only \(name):"
            out += "\n|- \(header)\n"
            for line in side.onlyLines {
                out += "|  \(line.file):\(line.line)  \(line.ip)  failregex \(line.failregex)"
                out += line.text.map { "\n|     \($0)" } ?? ""
                out += "\n"
            }
            out += "`-\n"
        }
        return out
    }
}
