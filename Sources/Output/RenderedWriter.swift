import Analyzer

/// An output that is text made from the jails' results alone: the records (``JailText``)
/// and the firewall files (``FirewallFile``).
package protocol JailRendering: Sendable {
    /// The output for `results` under `settings` (which bans: `activeAt`, `allBans`).
    func render(_ results: [JailResult], settings: OutputSettings) throws(OutputError) -> String
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
        try settings.deliver(rendering.render(outcome.results, settings: settings))
    }
}
