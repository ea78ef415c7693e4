import ArgumentParser
import LogSource
import Matcher

/// The `failscan` command line.
@main
struct Failscan: ParsableCommand {
    /// failscan's own version.
    static let number = "0.3.0"

    /// Parses the command line (a long list of files past the parser: ``LongArgumentList``)
    /// and runs the command.
    static func main() {
        main(LongArgumentList.split(Array(CommandLine.arguments.dropFirst())))
    }

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

            WHICH COMMAND FOR WHICH JOB
              test a filter        failscan regex /var/log/auth.log sshd
              one filter, logs     failscan scan --filter sshd /var/log/auth.log*
              forensic report      failscan jails --format html --output report.html
              a restored image     failscan jails --root /mnt/server --format json
              preload a firewall   failscan jails --format nft --output bans.nft
              preload fail2ban     failscan jails --format fail2ban-db --output f2b.db
              tune a jail          failscan tune --jail sshd --maxretry 3,5,10
              a fleet              failscan map --root /srv/web1 --shard web1 --out L
                                   failscan reduce --format nft L/*.ledger.zst

            \(ExitStatus.table)

            LIMITS
              lines       1 MiB; a longer line is cut (reported) and the rest skipped
              times       findtime and bantime up to 100 years (bantime -1: for ever)
              maxretry    1 to 1,000,000
              --now       0 to 253402300799 (the end of year 9999)
              expansion   a filter or jail option expands (%(x)s, <tag>) to 1 MiB at most
              addresses   leading zeros (010.1.2.3) are ambiguous, not addresses;
                          0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/3, ::, ::1 and ff00::/8 are
                          never banned
              firewall    ports, protocols and names are checked against each target's
                          grammar (at most 15 multiport ports); a file its client would
                          refuse is never written
            """,
        version: versionText,
        subcommands: [ScanCommand.self, RegexCommand.self, JailsCommand.self, TuneCommand.self, MapCommand.self, ReduceCommand.self]
    )
}
