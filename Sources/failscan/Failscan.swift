import ArgumentParser
import LogSource
import Matcher

/// The `failscan` command line.
@main
struct Failscan: ParsableCommand {
    /// failscan's own version.
    static let number = "0.3.0"

    /// `failscan --version`: failscan's version, PCRE2's with its JIT status, and the
    /// decompression libraries in use.
    static let versionText: String = {
        let pcre = "PCRE2 \(PCRE2Regex.libraryVersion) (JIT \(PCRE2Regex.jitAvailable ? "available" : "not available"))"
        let decompressors = Decompressors.versions.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return "failscan \(number)\n\(pcre)\n\(decompressors)"
    }()

    static let configuration = CommandConfiguration(
        commandName: "failscan",
        abstract: "Scan logs offline with fail2ban filters and write ban lists and firewall files.",
        discussion: """
            failscan reads fail2ban filter and jail configuration, scans plain and compressed \
            logs on every core, and decides the bans fail2ban would have decided, with the \
            logs' own time as its clock.

            \(ExitStatus.table)
            """,
        version: versionText,
        subcommands: [ScanCommand.self, RegexCommand.self, JailsCommand.self]
    )
}
