import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import LogSource

#if canImport(Glibc)
    import Glibc
#endif

extension InflateEngine: ExpressibleByArgument {}
extension UseDNS: ExpressibleByArgument {}

/// Options shared by the subcommands that run a filter: plain data, turned into the
/// library's ``FilterOptions`` and ``ScanOptions``.
struct FilterArguments: ParsableArguments {
    @Option(
        name: [.customShort("c"), .customLong("config")],
        help: ArgumentHelp(
            "fail2ban configuration root: where filter names and includes such as common.conf are looked up (default: /etc/fail2ban; with --root, ROOT/etc/fail2ban).",
            valueName: "dir"), completion: .directory)
    var configOption: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A restored system or a mounted disk image standing for /, as journalctl --root: the configuration is read from ROOT/etc/fail2ban unless --config is given, and its includes, filters, logpaths and journal paths are resolved inside ROOT (a link in it never leads out, as chroot would have it). Files named on the command line are taken as they are.",
            valueName: "dir"), completion: .directory)
    var root: String?

    /// The configuration root in use.
    var config: String {
        if let configOption { return configOption }
        if let root = fileRoot { return root.resolve("/etc/fail2ban") }
        return "/etc/fail2ban"
    }

    /// `--root` as a ``FileRoot`` (checked by ``validate()``).
    var fileRoot: FileRoot? { root.flatMap { try? FileRoot($0) } }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "\"Now\" as Unix seconds for the year of dates without one, exactly as fail2ban (this year, or last year when more than a day ahead). Default: each file's modification time, so that an archive spanning Dec to Jan gets its years right.",
            valueName: "epoch"))
    var now: Int?

    @Option(
        name: [.customShort("d"), .customLong("datepattern")],
        help: ArgumentHelp(
            "A date pattern instead of the filter's (fail2ban's datepattern: %-formats, {^LN-BEG}, {DATE}, {NONE}, EPOCH, TAI64N); repeatable.",
            valueName: "pattern"))
    var datePatterns: [String] = []

    @Option(
        name: [.customLong("timezone"), .customLong("TZ")],
        help: ArgumentHelp(
            "Time zone of log dates without one, as an offset (UTC, +0100, CET): fail2ban's logtimezone (--TZ as fail2ban-regex spells it). Default: the jail's logtimezone, else local time (TZ).",
            valueName: "zone"))
    var timezone: String?

    @Flag(
        name: .customLong("no-prefilter"),
        help:
            "Run every failregex on every line instead of only on lines containing a literal the filter requires, and only the failregexes whose first bytes fit."
    )
    var noPrefilter = false

    @Flag(name: .customLong("no-jit"), help: "Use PCRE2's interpreter instead of its JIT compiler.")
    var noJIT = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Matching threads (default: all cores). With more than one, files are also read and inflated on threads of their own.",
            valueName: "n"))
    var threads: Int?

    @Flag(
        name: .customLong("count-unterminated"),
        help:
            "Count a file's last line even when it has no newline (for archives known to be complete). By default such a line is left out and reported: it may be half written, and fail2ban waits for its end too."
    )
    var countUnterminated = false

    @Flag(
        inversion: .prefixedNo,
        help:
            "Progress on standard error (MiB scanned, rate, time left from the files' sizes on disk, compressed ones by their compressed bytes): by default only on a terminal and for runs over a second; --progress also to a file or pipe (a line every two seconds)."
    )
    var progress: Bool?

    @Option(name: .long, help: ArgumentHelp("gzip inflater.", valueName: "engine"))
    var inflate: InflateEngine = .isal

    /// `--threads`' bounds, for every command that takes it.
    static func checkThreads(_ threads: Int?) throws {
        if let threads, threads < 1 || threads > 1024 { throw ValidationError("--threads must be from 1 to 1024") }
    }

    /// The latest "now" failscan takes: the end of year 9999.
    static let latestNow = 253_402_300_799

    func validate() throws {
        if let root {
            do { _ = try FileRoot(root) } catch { throw ValidationError("--root \(root): not a directory") }
        }
        try Self.checkThreads(threads)
        if let now, now < 0 || now > Self.latestNow {
            throw ValidationError("--now must be from 0 to \(Self.latestNow) (the end of year 9999)")
        }
        if let timezone, DateDetector.zoneOffset(timezone) == nil {
            throw ValidationError("--timezone \(timezone): not a zone (UTC, +0100, -05:30, CET; hours up to 23)")
        }
        if datePatterns.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--datepattern must not be empty")
        }
    }

    var filterOptions: FilterOptions {
        var options = FilterOptions(
            configDirectory: config, now: now, datePatterns: datePatterns, timeZone: timezone,
            prefilter: !noPrefilter, jit: !noJIT)
        options.root = fileRoot
        return options
    }

    func scanOptions(detailed: Bool = false) -> ScanOptions {
        var options = ScanOptions(
            threads: threads ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), detailed: detailed, inflate: inflate)
        options.yearAnchor = filterOptions.yearAnchor
        options.countsUnterminatedLine = countUnterminated
        return options
    }

}

extension CompletionKind {
    /// The filters of the installed configuration (names in /etc/fail2ban/filter.d), and files.
    static var filters: CompletionKind {
        .shellCommand("ls /etc/fail2ban/filter.d 2>/dev/null | sed -n 's/\\.conf$//p'; ls -d -- * 2>/dev/null")
    }

    /// The jails of the installed configuration (the sections of jail.conf, jail.local, jail.d).
    static var jails: CompletionKind {
        .shellCommand(
            "cat /etc/fail2ban/jail.conf /etc/fail2ban/jail.local /etc/fail2ban/jail.d/*.conf /etc/fail2ban/jail.d/*.local 2>/dev/null | sed -n 's/^\\[\\([^]]*\\)\\].*/\\1/p' | grep -vx 'DEFAULT\\|INCLUDES\\|Definition\\|Init' | sort -u"
        )
    }
}
