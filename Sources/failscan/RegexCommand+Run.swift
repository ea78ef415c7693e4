import Analyzer
import Fail2banConfig
import LogSource
import Matcher
import Output
import OutputBasics

extension RegexCommand {
    func run() throws {
        try ExitStatus.run {
            if shortVersion { return StandardOutput.write(Failscan.number + "\n") }
            var compiled = try compile(filter)
            let profiler = costs ? RegexProfiler(slots: compiled.matcher.profileSlots) : nil
            compiled.matcher.profiler = profiler
            if let explain {
                let explained = LineExplanation(explain, compiled)
                return StandardOutput.write(json ? JSONLines().line(explained) : RegexDetailText.explanation(explained, all: explainAll))
            }
            if showPatterns { return StandardOutput.write(RegexDetailText.patterns(compiled)) }
            var log =
                RegexLog.namesJournal(self.log)
                ? try RegexLog(
                    journal: self.log, journalMatch: journalMatch ?? compiled.config.journalMatch.last, root: filterArguments.fileRoot)
                : RegexLog(self.log, rotated: rotated)
            if log.isLine, RegexLog.looksLikePath(self.log) {
                Diagnostics.note("\(self.log): no such file; read as a log line, as fail2ban-regex reads it")
            }
            // The matched lines and the report (--json), the report and the costs (--costs),
            // two filters (--compare): a FIFO or standard input is read once, into memory.
            if json || costs || compareFilter != nil { try log.spoolStreams() }
            if let compareFilter { return try compare(compiled, with: compareFilter, log: log) }
            if !json {
                try report(compiled, log: log)
                if !costs { return }
            }
            let scanStarted = ContinuousClock.now
            let scan = Scan(filters: [compiled.scanFilter()], options: filterArguments.scanOptions(detailed: true))
            let rows = json ? MatchedLinesJSON(names: log.inputs.map(\.name), write: { StandardOutput.write($0) }) : nil
            let result = scan.run(log.inputs) { (failure: Failure) in rows?.add(failure) }
            // In text mode the report has said what went wrong with the input.
            if json {
                Diagnostics.report(result.inputFindings)
            }
            guard result.filesRead > 0 else { throw ExitStatus.NoInput() }
            if let rows {
                rows.finish()
                // After the matched lines, the report as one object {"report": ...}.
                try report(compiled, log: log)
            }
            if let profiler {
                let summary = RegexCosts(profiler.totals(), compiled, summary: result, seconds: scanStarted.secondsElapsed)
                // With --json, after the matched lines, one object of another shape: {"costs": ...}.
                StandardOutput.write(json ? JSONLines().line(summary) : RegexDetailText.costs(summary))
            }
            // In text mode the report has said which lines hit PCRE2's limits.
            Diagnostics.report(result.counters.findings(limits: json))
            if !result.warnings.isEmpty { throw ExitStatus.incompleteInput }
        }
    }

    /// The filter, ignoreregex and options given, compiled; its notes said.
    func compile(_ spec: String) throws -> CompiledFilter {
        let compiled = try CompiledFilter(
            spec: spec, options: filterArguments.filterOptions, regexFallback: true, ignore: ignoreregex,
            useDNS: hostMode, maxLines: maxLines,
            arguments: ["logtype": logType ?? (RegexLog.namesJournal(log) ? "journal" : nil)].compactMapValues { $0 })
        for note in compiled.notes { Diagnostics.note("\(spec): \(note)") }
        return compiled
    }

    /// fail2ban-regex's report (or, with `-o`, its one line per failure) on the log.
    func report(_ compiled: CompiledFilter, log: RegexLog) throws {
        // fail2ban-regex prints kept lines when fewer than maxlines (its -L, else 20).
        let limit = maxLines ?? 20
        let options = RegexReporter.Options(
            failuresOnly: out != nil, checkAll: !noCheckAll, limit: limit,
            printAll: (printAllMatched, printAllMissed, printAllIgnored), printNone: (printNoMissed, printNoIgnored),
            useDNS: hostMode ?? (compiled.config.patterns.useDNS ? .warn : .no), verbose: verbose)
        var unshared = compiled
        unshared.matcher.profiler = nil
        let reporter = RegexReporter(filter: unshared, options: options)
        let started = ContinuousClock.now
        var text = ""
        // -o: each line's failures as they are found (the report keeps none).
        let found = out.map { out in
            { (found: [RegexReporter.Found]) in
                for failure in found { text += RegexReportText.failure(out, failure) + "\n" }
                if text.utf8.count > 1 << 16 {
                    StandardOutput.write(text)
                    text = ""
                }
            }
        }
        reporter.run(log.inputs, scanOptions: filterArguments.scanOptions(), found: found)
        StandardOutput.write(text)
        let seconds = started.secondsElapsed
        let report = reporter.report
        // With --json, the scan before this one has said what went wrong with the input.
        if json { return StandardOutput.write(JSONLines().line(["report": RegexReportJSON(report, compiled, seconds: seconds)])) }
        Diagnostics.report(report.inputFindings)
        guard report.filesRead > 0 else { throw ExitStatus.NoInput() }
        if out == nil {
            let header = RegexReportText.Header(
                filter: filter, ignoreregex: ignoreregex, maxLinesGiven: maxLines != nil,
                datePatterns: filterArguments.datePatterns.isEmpty ? compiled.config.datePatterns : filterArguments.datePatterns,
                log: self.log, isLine: log.isLine, inputs: log.inputs.map(\.name), journal: log.journal != nil,
                journalMatch: log.journalMatch)
            StandardOutput.write(
                RegexReportText.header(header, compiled)
                    + RegexReportText.results(report, compiled, seconds: seconds, limit: limit, options: options))
        }
        if report.limitHits > 0 {
            Diagnostics.warning("\(report.limitHits) line(s) were given up on because a regex hit PCRE2's match limits (counted as missed)")
        }
        if !report.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }

    /// `--compare FILTER2`: both filters over the same logs in one pass.
    func compare(_ first: CompiledFilter, with spec: String, log: RegexLog) throws {
        let (comparison, result) = FilterComparison.run(
            (first, try compile(spec)), specs: (filter, spec), inputs: log.inputs, options: filterArguments.scanOptions(),
            shown: json || printAllMatched ? Int.max : 20)
        Diagnostics.report(result.inputFindings)
        guard result.filesRead > 0 else { throw ExitStatus.NoInput() }
        StandardOutput.write(json ? JSONLines().line(["compare": comparison]) : RegexDetailText.comparison(comparison))
        if !result.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }
}
