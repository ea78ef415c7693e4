import Analyzer

/// The writer of `--format html`: counts every failure into an ``HTMLReport`` and renders
/// the page once, at the end.
package final class HTMLWriter: OutputWriter {
    let settings: OutputSettings
    var report = HTMLReport(jails: [])

    package init(_ settings: OutputSettings) { self.settings = settings }

    package var wantsFailures: Bool { true }

    package func begin(jails: [String], files: [String]) throws(OutputError) { report = HTMLReport(jails: jails) }

    package func add(jail: Int, failure: Failure, file: String?) { report.add(jail: jail, failure: failure) }

    package func finish(_ outcome: JailReplay.Outcome) throws(OutputError) {
        let input = HTMLReport.Input(
            files: outcome.summary.files.filter(\.opened).map { ($0.path, $0.bytes, $0.lines) }, seconds: settings.elapsed,
            command: settings.command)
        try settings.deliver(report.render(outcome.results, input: input))
    }
}
