import ArgumentParser
import Foundation
import Analyzer
import Matcher
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension OutputFormat: ExpressibleByArgument {}

/// `failscan scan`: the ban list of a set of logs under one filter.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan logs with a filter and print the addresses to ban.",
        discussion: """
        Logs may be plain or gzip-compressed (recognised by content, multi-member files \
        read to their end) and are read oldest first when they form a logrotate set \
        (mail.log.2.gz, mail.log.1, mail.log). An address is banned when --maxretry of its \
        failures fall within --findtime seconds.

        Example:
          failscan scan --filter Corpus/filters/dovecot.conf Corpus/logs/mail.log*
        """
    )

    @Option(name: .long, help: ArgumentHelp("A fail2ban filter: a .conf file, or a name in <config>/filter.d, optionally with arguments (dovecot[mode=aggressive]).", valueName: "filter"))
    var filter: String

    @OptionGroup var filterOptions: FilterOptions

    @Option(name: .long, help: "Failures that make a ban (fail2ban's maxretry).")
    var maxretry: Int = 5

    @Option(name: .long, help: ArgumentHelp("Window in seconds in which --maxretry failures make a ban (fail2ban's findtime).", valueName: "seconds"))
    var findtime: Int = 600

    @Option(name: .long, help: ArgumentHelp("An address or network never banned (fail2ban's ignoreip); repeatable.", valueName: "cidr"))
    var ignoreip: [String] = []

    @Option(name: .long, help: ArgumentHelp("Output format: list (banned addresses), json (JSON Lines, one object per failing address), iptables or ip6tables (restore files).", valueName: "format"))
    var format: OutputFormat = .list

    @Option(name: .long, help: ArgumentHelp("Write the output to this file (atomically: a temporary file, then rename) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Name of the firewall chain f2b-<name> (default: the filter's name).", valueName: "name"))
    var name: String?

    @Flag(name: .long, help: "Print scan statistics on standard error.")
    var stats = false

    @Argument(help: ArgumentHelp("Log files to scan.", valueName: "log"))
    var logs: [String]

    func validate() throws {
        if maxretry < 1 { throw ValidationError("--maxretry must be at least 1") }
        if findtime < 0 { throw ValidationError("--findtime must not be negative") }
        if logs.isEmpty { throw ValidationError("name at least one log file") }
        for entry in ignoreip where CIDR(entry) == nil {
            throw ValidationError("--ignoreip \(entry) is not an address or network (hostnames are not resolved)")
        }
        if let name, name.isEmpty || name.contains(where: { $0 == " " || $0 == "\t" }) || name.count > 24 {
            throw ValidationError("--name must be a short word without spaces (iptables limits chain names)")
        }
    }

    func run() throws {
        let (filterConfig, matcher, detector) = try filterOptions.loadFilter(filter)
        let ordered = RotatedSet.timeOrder(logs)
        let scan = Scan(matcher: matcher, detector: detector, options: filterOptions.scanOptions(maxLines: filterConfig.maxLines))
        let progress = Progress.makeReporter()
        let clock = MonotonicClock()
        var ledger = FailureLedger()
        let result = scan.run(ordered, progress: progress) { ledger.add($0) }
        Progress.finish()
        for warning in result.warnings { Diagnostics.warning(warning.description) }
        guard result.filesRead > 0 else {
            Diagnostics.error("no input could be read")
            throw ExitStatus.noInputOrOutput
        }
        ledger.finish()
        let policy = BanPolicy(maxRetry: maxretry, findTime: findtime, ignore: ignoreip.compactMap(CIDR.init))
        let offenders = policy.decide(ledger)
        let skipped = offenders.filter { $0.banned && $0.id.address == nil }
        if !skipped.isEmpty, format == .iptables || format == .ip6tables {
            Diagnostics.warning("\(skipped.count) banned id(s) are not addresses and are left out of the firewall file (e.g. \(skipped[0].id))")
        }
        let text = BanListWriter.render(offenders, format: format, name: name ?? filterConfig.name)
        try StandardOutput.deliver(text, to: output)
        if stats {
            let seconds = clock.elapsed
            let mb = Double(result.bytes) / 1e6
            Diagnostics.write(String(format: "failscan: %d file(s), %.1f MB in %.3f s (%.1f MB/s); %d candidate line(s), %d failure(s), %d address(es), %d banned; prefilter: %@\n",
                                     result.filesRead, mb, seconds, seconds > 0 ? mb / seconds : 0, result.counters.candidates,
                                     result.failures, offenders.count, offenders.filter(\.banned).count,
                                     matcher.prefilter.map { $0.literals.map { String(decoding: $0, as: UTF8.self).debugDescription }.joined(separator: " ") } ?? "off (\(matcher.prefilterNote ?? ""))"))
            Diagnostics.write("failscan: \(filterOptions.yearRule)\n")
        }
        if result.counters.limitHits > 0 {
            Diagnostics.warning("\(result.counters.limitHits) line(s) were given up on because a regex hit PCRE2's match limits")
        }
        if result.counters.noDate > 0 {
            Diagnostics.warning("\(result.counters.noDate) matched line(s) had no date and no dated line above them; they were not counted")
        }
        if !result.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }
}
