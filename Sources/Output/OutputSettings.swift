import Analyzer
import LogSource
import OutputBasics

/// What every writer is told besides the results: where the output goes, which bans it
/// keeps, how an existing database is treated, and what the report says about the run.
package struct OutputSettings: Sendable {
    /// The file to write (atomically); nil writes to ``standardOutput``.
    package var path: String?
    /// Keep only bans whose bantime has not run out at this time.
    package var activeAt: Int?
    /// Firewall formats: every ban the logs gave, permanent, rather than those running at
    /// ``activeAt`` (`--all-bans`).
    package var allBans = false
    /// json and csv: times as ISO 8601 in UTC instead of Unix seconds (`--time-format iso`).
    package var isoTimes = false
    /// The prefix of a firewall file's names (chains, sets, table; `--name-prefix`).
    package var namePrefix = FirewallJail.defaultPrefix
    /// How an existing database is treated.
    package var database = Fail2banDatabaseWriter.DatabaseOptions()
    /// When the bans of a fail2ban database start when ``activeAt`` is nil (now, so that
    /// fail2ban restores them).
    package var now: Int
    /// The command line, as a report quotes it.
    package var command = ""
    /// When the run started (a report says how long it took).
    package var started = ContinuousClock.now
    /// Where text goes when there is no ``path``.
    package var standardOutput: @Sendable (String) -> Void
    /// The system the logs belong to (`--root`): a fail2ban database names them by their
    /// paths there, as its fail2ban-server will look them up.
    package var root: FileRoot?

    package init(path: String?, now: Int, standardOutput: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.now = now
        self.standardOutput = standardOutput
    }

    /// Writes `text` to ``path`` atomically, or to ``standardOutput``.
    package func deliver(_ text: String) throws(OutputError) {
        guard let path else { return standardOutput(text) }
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch { throw .write(error) }
    }

    /// Seconds since ``started``.
    package var elapsed: Double { started.secondsElapsed }
}
