import ArgumentParser
import Foundation
import Analyzer
import Matcher
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by the subcommands that run a filter.
struct FilterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("fail2ban configuration root: where filter names and includes such as common.conf are looked up.", valueName: "dir"))
    var config: String = "/etc/fail2ban"

    @Option(name: .long, help: ArgumentHelp("\"Now\" as Unix seconds for the year of dates without one, exactly as fail2ban (this year, or last year when more than a day ahead). Default: each file's modification time, so that an archive spanning Dec to Jan gets its years right.", valueName: "epoch"))
    var now: Int?

    @Option(name: .customLong("datepattern"), help: ArgumentHelp("A date pattern instead of the filter's (fail2ban's datepattern: %-formats, {^LN-BEG}, {DATE}, {NONE}, EPOCH, TAI64N); repeatable.", valueName: "pattern"))
    var datePatterns: [String] = []

    @Option(name: .long, help: ArgumentHelp("Time zone of log dates without one, as an offset (UTC, +0100, CET): fail2ban's logtimezone. Default: local time (TZ).", valueName: "zone"))
    var timezone: String?

    @Flag(name: .customLong("no-prefilter"), help: "Run the regexes on every line instead of only on lines containing a literal the filter requires.")
    var noPrefilter = false

    @Flag(name: .customLong("no-jit"), help: "Use PCRE2's interpreter instead of its JIT compiler.")
    var noJIT = false

    @Option(name: .long, help: ArgumentHelp("Matching threads (default: all cores). With more than one, files are also read and inflated on threads of their own.", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("gzip inflater: isal (Intel ISA-L, fast) or zlib.", valueName: "engine"))
    var inflate: InflateEngine = .isal

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var threadCount: Int { threads ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func scanOptions(detailed: Bool = false, maxLines: Int = 1) -> ScanOptions {
        var options = ScanOptions(threads: threadCount, detailed: detailed, inflate: inflate, maxLines: maxLines)
        options.yearAnchor = now == nil ? .fileModificationTime : .fixedNow
        return options
    }

    /// Which rule gave dates without a year their year, for the statistics line.
    var yearRule: String {
        now == nil ? "year of dates without one: fail2ban's rule anchored on each file's modification time"
                   : "year of dates without one: fail2ban's rule with --now \(now!)"
    }

    /// Loads and compiles the filter, printing notes once; exits with status 2 on errors.
    /// Loads, compiles and announces a filter.
    /// - Parameters:
    ///   - regexFallback: like fail2ban-regex, take a spec that names no filter as a failregex.
    ///   - ignore: an ignoreregex, or a filter whose ignoreregexes are added.
    func loadFilter(_ spec: String, regexFallback: Bool = false, ignore: String? = nil) throws -> (FilterConfig, FilterMatcher, DateDetector) {
        let filter = try readFilter(spec, regexFallback: regexFallback, ignore: ignore)
        let (matcher, detector) = try compile(filter, label: spec)
        return (filter, matcher, detector)
    }

    /// Reads a filter; exits with status 2 naming the file and reason when it cannot.
    func readFilter(_ spec: String, regexFallback: Bool = false, ignore: String? = nil) throws -> FilterConfig {
        let loader = FilterLoader(configDirectory: config)
        var filter: FilterConfig
        do { filter = try loader.load(spec) } catch {
            guard regexFallback, !spec.hasSuffix(".conf"), !spec.contains("/") || spec.contains("<") else {
                Diagnostics.error("\(error)")
                throw ExitStatus.badConfiguration
            }
            filter = FilterConfig(name: "regex", patterns: FilterPatterns(failregex: [spec]))
        }
        if let ignore {
            if let other = try? loader.load(ignore) { filter = filter.ignoring(other.patterns.ignoreregex) } else { filter = filter.ignoring([ignore]) }
        }
        return filter
    }

    /// The matcher and date detector of a filter, with these options.
    /// - Parameter logTimeZone: the jail's `logtimezone`, used when --timezone is not given.
    func compile(_ filter: FilterConfig, label: String, logTimeZone: String? = nil) throws -> (FilterMatcher, DateDetector) {
        let detector = try makeDetector(filter, logTimeZone: logTimeZone)
        let matcher: FilterMatcher
        do {
            matcher = try FilterMatcher(filter.patterns, options: PCRE2Regex.Options(jit: noJIT ? .off : .required),
                                        usePrefilter: !noPrefilter && filter.maxLines <= 1, multiline: filter.maxLines > 1,
                                        dateCut: detector.dateCut)
        } catch {
            Diagnostics.error("\(filter.files.last ?? label): \(error)")
            throw ExitStatus.badConfiguration
        }
        for note in filter.notes + matcher.notes { Diagnostics.note("\(label): \(note)") }
        return (matcher, detector)
    }

    func makeDetector(_ filter: FilterConfig, logTimeZone: String? = nil) throws -> DateDetector {
        let current = now ?? Int(time(nil))
        var zone: Int? = nil
        if let text = timezone ?? logTimeZone {
            guard let minutes = DateDetector.zoneOffset(text) else {
                Diagnostics.error("time zone \(text): not an offset (UTC, +0100, CET...)")
                throw ExitStatus.badConfiguration
            }
            zone = minutes
        }
        do { return try DateDetector(patterns: datePatterns.isEmpty ? filter.datePatterns : datePatterns, now: current, defaultZone: zone) } catch {
            Diagnostics.error("\(filter.files.last ?? filter.name): \(error)")
            throw ExitStatus.badConfiguration
        }
    }
}

extension InflateEngine: ExpressibleByArgument {}

/// Messages on standard error.
enum Diagnostics {
    static func error(_ message: String) { write("failscan: error: \(message)\n") }
    static func warning(_ message: String) { write("failscan: warning: \(message)\n") }
    static func note(_ message: String) { write("failscan: note: \(message)\n") }
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
    static var isTerminal: Bool { isatty(2) == 1 }
}

/// Writes to standard output; a closed pipe ends the program quietly, as in ripgrep.
enum StandardOutput {
    /// Writes `text` to `file` atomically, or to standard output when there is none.
    /// - Throws: exit status 3 after saying which file could not be written and why.
    static func deliver(_ text: String, to file: String?) throws {
        guard let file else { return write(text) }
        do { try AtomicFile.write(Array(text.utf8), to: file) } catch {
            Diagnostics.error(error.description)
            throw ExitStatus.noInputOrOutput
        }
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { exit(0) }
                    Diagnostics.error("cannot write to standard output: \(String(cString: strerror(errno)))")
                    exit(3)
                }
                offset += n
            }
        }
    }
}
