import Analyzer

/// An output that is text made from the jails' results alone: the records (``JailText``)
/// and the firewall files (``FirewallFile``).
package protocol JailRendering: Sendable {
    /// The output for `results`, keeping only bans still running at `activeAt` when given.
    func render(_ results: [JailResult], activeAt: Int?) throws(OutputError) -> String
}

/// The writer of a ``JailRendering``: renders the outcome's results once, then delivers the
/// text to the file or standard output.
package final class RenderedWriter: OutputWriter {
    let rendering: any JailRendering
    let settings: OutputSettings

    package init(_ rendering: any JailRendering, _ settings: OutputSettings) {
        self.rendering = rendering
        self.settings = settings
    }

    package func finish(_ outcome: JailReplay.Outcome) throws(OutputError) {
        try settings.deliver(rendering.render(outcome.results, activeAt: settings.activeAt))
    }
}
