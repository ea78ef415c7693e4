import Analyzer

/// The writer of `failscan tune`: a table, JSON (a line per setting as it is decided, then
/// the scan's line), CSV, or the jail's forensic HTML report with the grid as a section.
package final class TuneOutput {
    package enum Format: String, CaseIterable, Sendable {
        case table, json, csv, html
    }

    let format: Format
    let settings: OutputSettings
    /// The HTML report, fed every failure of the jail.
    let report: HTMLReport?
    /// JSON's stream, a batch of settings at a time.
    let stream: StreamedOutput?
    var failures = 0

    /// - Throws: when the JSON output's file cannot be created.
    package init(_ format: Format, jail: String, settings: OutputSettings) throws(OutputError) {
        self.format = format
        self.settings = settings
        report = format == .html ? HTMLReport(jails: [jail]) : nil
        stream = format == .json ? try StreamedOutput(settings) : nil
    }

    /// What of each setting's outcome the format needs: JSON lists every setting's banned
    /// addresses (streamed); the others show counts and a few lockouts.
    package var detail: TuneGrid.Detail {
        switch format {
        case .json: .everything
        case .table: .summary(lockouts: TuneWriter.tableLockouts)
        case .csv: .summary(lockouts: 0)
        case .html: .summary(lockouts: TuneWriter.lockoutRows)
        }
    }

    /// Takes every failure the jail counts (the HTML report lists users tried), or nil.
    package var each: ((Failure, String?) -> Void)? {
        report.map { report in { failure, _ in report.add(jail: 0, failure: failure) } }
    }

    /// Takes each setting's outcome as it is decided (JSON), or nil: the outcomes come with
    /// the result.
    package var emit: ((TuneOutcome) -> Void)? {
        stream.map { stream in
            { outcome in
                self.failures = outcome.failures
                stream.append { TuneWriter.json(outcome, to: &$0) }
            }
        }
    }

    /// Writes what is left: JSON's last line, or the whole table, CSV or page.
    package func finish(_ result: Tuning.Result, context: TuneWriter.Context) throws(OutputError) {
        let text: String
        switch format {
        case .json:
            // Every setting's line went out as it was decided; the scan's line ends it.
            stream?.append { TuneWriter.jsonEnd(failures: failures, context: context, to: &$0) }
            try stream?.finish()
            return
        case .table: text = TuneWriter.table(result.outcomes, context: context)
        case .csv: text = TuneWriter.csv(result.outcomes)
        case .html:
            // The forensic report of the jail at its own settings, the grid as a section.
            let input = HTMLReport.Input(
                files: result.summary.files.filter(\.opened).map { ($0.path, $0.bytes, $0.lines) }, seconds: settings.elapsed,
                command: settings.command)
            text = (report ?? HTMLReport(jails: [context.jail])).render(
                [result.own], input: input, sections: [TuneWriter.section(result.outcomes, context: context)])
        }
        try settings.deliver(text)
    }
}
