import ArgumentParser
import Analyzer
import Matcher

/// `failscan regex`: what fail2ban-regex reports, per matched line.
struct RegexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regex",
        abstract: "Test a filter on a log, like fail2ban-regex, optionally as JSON per matched line.",
        discussion: """
        With --json, prints one object per matched line: file, line (1-based), time (Unix \
        seconds), ip (or the failure id), failregex (1-based, as fail2ban-regex numbers \
        them) and fields (captured <F-USER> and the like).
        """
    )

    @OptionGroup var filterOptions: FilterOptions

    @Flag(name: .long, help: "Print one JSON object per matched line.")
    var json = false

    @Flag(name: .customLong("show-patterns"), help: "Print the PCRE2 patterns the filter translates to (prefregex first) and the prefilter's literals, then exit.")
    var showPatterns = false

    @Argument(help: ArgumentHelp("The log file (plain or gzip).", valueName: "log"))
    var log: String

    @Argument(help: ArgumentHelp("The filter: a .conf file, a name in <config>/filter.d (with arguments, sshd[mode=aggressive]), or a failregex.", valueName: "filter"))
    var filter: String

    @Argument(help: ArgumentHelp("An ignoreregex, or a filter whose ignoreregexes are added.", valueName: "ignoreregex"))
    var ignoreregex: String?

    func run() throws {
        let (filterConfig, matcher, detector) = try filterOptions.loadFilter(filter, regexFallback: true, ignore: ignoreregex)
        if showPatterns {
            var out = matcher.translatedPatterns.map { "pattern: \($0)\n" }.joined()
            if let prefilter = matcher.prefilter {
                out += prefilter.literals.map { "literal: \(String(decoding: $0, as: UTF8.self))\n" }.joined()
            } else {
                out += "prefilter: none (\(matcher.prefilterNote ?? ""))\n"
            }
            StandardOutput.write(out)
            return
        }
        let scan = Scan(matcher: matcher, detector: detector, options: filterOptions.scanOptions(detailed: true, maxLines: filterConfig.maxLines))
        var perRegex = Array(repeating: 0, count: filterConfig.patterns.failregex.count)
        var out = ""
        let file = BanListWriter.jsonString(log)
        let result = scan.run([log]) { failure in
            perRegex[failure.failregex] += 1
            guard json else { return }
            let fields = (failure.fields ?? [:]).sorted { $0.key < $1.key }.map { key, value -> String in
                switch key {
                case "users": return "\"users\":[" + value.split(separator: "\u{1f}").map { BanListWriter.jsonString(String($0)) }.joined(separator: ",") + "]"
                case "attempts": return "\"attempts\":\(Int(value) ?? 0)"
                default: return "\(BanListWriter.jsonString(key)):\(BanListWriter.jsonString(value))"
                }
            }.joined(separator: ",")
            out += "{\"file\":\(file),\"line\":\(failure.line),\"time\":\(failure.time),\"ip\":\(BanListWriter.jsonString(failure.id.description)),\"failregex\":\(failure.failregex + 1),\"fields\":{\(fields)}}\n"
            if out.utf8.count > 1 << 16 {
                StandardOutput.write(out)
                out = ""
            }
        }
        for warning in result.warnings { Diagnostics.warning(warning.description) }
        guard result.filesRead > 0 else { throw ExitStatus.noInputOrOutput }
        if json {
            StandardOutput.write(out)
        } else {
            var out = "Failregex: \(result.failures) total\n"
            for (index, hits) in perRegex.enumerated() { out += "|  \(index + 1)) [\(hits)] \(filterConfig.patterns.failregex[index])\n" }
            out += "Lines: \(result.failures) matched, \(result.bytes) bytes read\n"
            StandardOutput.write(out)
        }
        if !result.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }
}
