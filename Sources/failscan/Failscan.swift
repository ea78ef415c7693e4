import ArgumentParser

/// The `failscan` command line.
@main
struct Failscan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failscan",
        abstract: "Scan logs offline with fail2ban filters and write ban lists and firewall files.",
        discussion: """
        failscan reads fail2ban filter files (failregex, prefregex, ignoreregex and their \
        includes), scans plain and gzipped logs at disk speed, and reports the addresses \
        fail2ban would have found.

        EXIT STATUS
          0  the scan completed
          1  the scan completed, but some input files could not be read completely
          2  bad configuration or filter
          3  no input could be read, or the output could not be written
          64 invalid command-line usage
        """,
        subcommands: [ScanCommand.self, RegexCommand.self, JailsCommand.self],
        defaultSubcommand: nil
    )
}
