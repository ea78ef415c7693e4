import ArgumentParser
import Analyzer
import Foundation
import Matcher
#if canImport(Glibc)
import Glibc
#endif

extension JailFormat: ExpressibleByArgument {}
extension BanWindow: ExpressibleByArgument {}

/// `failscan jails`: replay a fail2ban jail configuration over its logs.
struct JailsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jails",
        abstract: "Replay the enabled jails of a fail2ban configuration over their logs and write the bans.",
        discussion: """
        Reads jail.conf, jail.d/*.conf, jail.local and jail.d/*.local of --config as fail2ban \
        does, scans every enabled jail's logpath (globs, with rotated siblings such as \
        mail.log.1 and mail.log.2.gz, oldest first; each file is read once even when several \
        jails watch it), and decides bans as fail2ban's FailManager would have with the logs' \
        own time as its clock: one ticket per address and jail, maxretry within findtime, \
        ignoreip never counted.

        Formats: list (banned addresses), json and csv (one record per address and jail), \
        iptables and ip6tables (iptables-restore files like fail2ban's iptables-multiport \
        action), ipset (ipset restore), nft (nft -f), fail2ban-db (a fail2ban sqlite \
        database to start fail2ban-server on; needs --output; bans start now unless \
        --active-at keeps the logs' own times, so that fail2ban restores them).
        """
    )

    @OptionGroup var filterOptions: FilterOptions

    @Option(name: .long, help: ArgumentHelp("Only this jail (repeatable); default: every enabled jail.", valueName: "name"))
    var jail: [String] = []

    @Flag(name: .customLong("no-rotated"), help: "Do not add rotated siblings (mail.log.1, mail.log.2.gz, ...) to each logpath.")
    var noRotated = false

    @Option(name: .long, help: ArgumentHelp("failmanager (fail2ban's own accounting) or sliding (maxretry failures within any findtime interval).", valueName: "rule"))
    var window: BanWindow = .failmanager

    @Option(name: .long, help: ArgumentHelp("Ignore failures before this time (Unix seconds or YYYY-MM-DD[THH:MM[:SS]], local time).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Ignore failures after this time.", valueName: "time"))
    var until: String?

    @Option(name: .customLong("active-at"), help: ArgumentHelp("Keep only bans whose bantime has not run out at this time (firewall formats and list).", valueName: "time"))
    var activeAt: String?

    @Option(name: .long, help: ArgumentHelp("list, json, csv, iptables, ip6tables, ipset, nft or fail2ban-db.", valueName: "format"))
    var format: JailFormat = .list

    @Option(name: .long, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Print per-jail statistics on standard error.")
    var stats = false

    static func parseTime(_ text: String) -> Int? {
        if let epoch = Int(text) { return epoch }
        let parts = text.split(whereSeparator: { "-T: ".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 3 else { return nil }
        let field = { (i: Int) in i < parts.count ? parts[i] : 0 }
        return CivilTime().local(parts[0], parts[1], parts[2], field(3), field(4), field(5))
    }

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until), ("--active-at", activeAt)] {
            if let value, Self.parseTime(value) == nil { throw ValidationError("\(name) \(value): not a time (Unix seconds or YYYY-MM-DD[THH:MM[:SS]])") }
        }
        if format == .fail2banDB, output == nil { throw ValidationError("--format fail2ban-db writes a database: name it with --output") }
    }

    func run() throws {
        let all: [JailConfig]
        let config = filterOptions.config
        do { all = try JailLoader(configDirectory: config).load() } catch {
            Diagnostics.error("\(error)")
            throw ExitStatus.badConfiguration
        }
        var jails = all.filter { jail.isEmpty ? $0.enabled : jail.contains($0.name) }
        for name in jail where !all.contains(where: { $0.name == name }) {
            Diagnostics.error("no jail [\(name)] in \(config)")
            throw ExitStatus.badConfiguration
        }
        jails = jails.filter { config in
            if config.backend.hasPrefix("systemd") {
                Diagnostics.warning("[\(config.name)] reads the systemd journal (backend = \(config.backend)); failscan reads log files only, skipped")
                return false
            }
            return true
        }
        guard !jails.isEmpty else {
            Diagnostics.error("no enabled jail in \(config)")
            throw ExitStatus.badConfiguration
        }
        var paths: [String] = []
        var filters: [ScanFilter] = []
        for config in jails {
            for name in config.ignoreNames {
                Diagnostics.warning("[\(config.name)] ignoreip \(name) is a host name; failscan does not resolve names, it is not ignored")
            }
            let filter = try filterOptions.readFilter(config.filter)
            let (matcher, detector) = try filterOptions.compile(filter, label: "[\(config.name)] filter \(config.filter)", logTimeZone: config.logTimeZone)
            let files = config.logFiles(rotated: !noRotated)
            if files.isEmpty { Diagnostics.warning("[\(config.name)] no log file matches \(config.logPatterns.joined(separator: " "))") }
            var indices = Set<Int>()
            for file in files {
                if let index = paths.firstIndex(of: file) { indices.insert(index) } else { paths.append(file); indices.insert(paths.count - 1) }
            }
            filters.append(ScanFilter(matcher: matcher, detector: detector, maxLines: filter.maxLines, files: indices))
        }
        let options = filterOptions.scanOptions()
        let lower = since.flatMap(Self.parseTime) ?? Int.min
        let upper = until.flatMap(Self.parseTime) ?? Int.max
        var failures = Array(repeating: [Failure](), count: jails.count)
        let summary = Scan(filters: filters, options: options).run(paths, progress: Progress.makeReporter()) { f, failure in
            if failure.time >= lower && failure.time <= upper { failures[f].append(failure) }
        }
        Progress.finish()
        for warning in summary.warnings { Diagnostics.warning(warning.description) }
        var results: [JailResult] = []
        for (index, config) in jails.enumerated() {
            let policy = JailPolicy(maxRetry: config.maxRetry, findTime: config.findTime, banTime: config.banTime,
                                    ignore: config.ignore, window: window)
            results.append(JailResult(jail: config, records: FailManager(policy: policy).decide(failures[index])))
        }
        if [.iptables, .ip6tables, .ipset, .nft, .fail2banDB].contains(format) {
            for result in results {
                let names = result.records.filter { $0.banned && $0.id.address == nil }.map(\.id.description)
                if !names.isEmpty {
                    Diagnostics.warning("[\(result.jail.name)] \(names.count) banned id(s) are not addresses and are not written (e.g. \(names[0])); failscan does not resolve host names")
                }
            }
        }
        if stats {
            for (index, result) in results.enumerated() {
                Diagnostics.write("failscan: [\(result.jail.name)] \(filters[index].files?.count ?? 0) file(s), \(failures[index].count) failure(s), \(result.records.count) address(es), \(result.records.filter(\.banned).count) banned\n")
            }
        }
        if format == .fail2banDB, let output {
            let at = activeAt.flatMap(Self.parseTime)
            do { try Fail2banDatabaseWriter.write(results, to: output, timeOfBan: at == nil ? Int(time(nil)) : nil, activeAt: at) } catch {
                Diagnostics.error(error.description)
                throw ExitStatus.noInputOrOutput
            }
            if !summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
            return
        }
        let text = JailWriter.render(results, format: format, activeAt: activeAt.flatMap(Self.parseTime))
        try StandardOutput.deliver(text, to: output)
        if !summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }
}
