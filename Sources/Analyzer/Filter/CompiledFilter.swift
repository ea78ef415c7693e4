import Fail2banConfig
import Matcher

#if canImport(Glibc)
    import Glibc
#endif

/// A filter ready to scan with: its configuration, its matcher (regexes translated and
/// compiled, the prefilter derived) and its date detector. The one place where a filter
/// spec and options become what a scan needs.
package struct CompiledFilter: Sendable {
    package let config: FilterConfig
    /// Its matcher (a `var`: a caller may attach a ``RegexProfiler``).
    package var matcher: FilterMatcher
    package let detector: DateDetector
    /// What the user should know once (missing includes, the legacy host group, ...).
    package let notes: [String]

    /// The filter's `maxlines`.
    package var maxLines: Int { config.maxLines }

    /// Loads and compiles a filter given as fail2ban names it.
    /// - Parameters:
    ///   - spec: a `.conf` path, or a name in `filter.d` with arguments (`sshd[mode=aggressive]`).
    ///   - regexFallback: as fail2ban-regex, take a spec that names no filter as a failregex.
    ///   - ignore: an ignoreregex, or a filter whose ignoreregexes are added.
    ///   - logTimeZone: the jail's `logtimezone`, used when the options name no zone.
    ///   - useDNS: the jail's `usedns` (`no`: `<HOST>` matches addresses only).
    ///   - maxLines: a `maxlines` instead of the filter's (fail2ban-regex's `-L`).
    ///   - arguments: filter arguments that apply unless the spec names them (`logtype`).
    /// - Throws: `FilterError` naming the file and the reason.
    package init(
        spec: String, options: FilterOptions, regexFallback: Bool = false, ignore: String? = nil,
        logTimeZone: String? = nil, useDNS: UseDNS? = nil, maxLines: Int? = nil, arguments: [String: String] = [:]
    ) throws(FilterError) {
        let loader = FilterLoader(configDirectory: options.configDirectory, root: options.root)
        var config: FilterConfig
        do { config = try loader.load(spec, defaults: arguments) } catch {
            guard regexFallback, !spec.hasSuffix(".conf"), !spec.contains("/") || spec.contains("<") else {
                throw FilterError(error, spec: spec)
            }
            config = FilterConfig(name: "regex", patterns: FilterPatterns(failregex: [spec]))
        }
        if let ignore {
            if let other = try? loader.load(ignore) {
                config = config.ignoring(other.patterns.ignoreregex)
            } else {
                config = config.ignoring([ignore])
            }
        }
        if let useDNS { config = config.usingDNS(useDNS) }
        if let maxLines { config = config.withMaxLines(maxLines) }
        try self.init(config: config, options: options, logTimeZone: logTimeZone)
    }

    /// Compiles a filter already read.
    /// - Throws: `FilterError` naming the filter file and the reason.
    package init(config: FilterConfig, options: FilterOptions, logTimeZone: String? = nil) throws(FilterError) {
        let file = config.files.last ?? config.name
        var zone: Int? = nil
        if let text = options.timeZone ?? logTimeZone {
            guard let minutes = DateDetector.zoneOffset(text) else {
                throw FilterError(file: file, "time zone \(text): not an offset (UTC, +0100, CET...)")
            }
            zone = minutes
        }
        let detector: DateDetector
        do {
            detector = try DateDetector(
                patterns: options.datePatterns.isEmpty ? config.datePatterns : options.datePatterns,
                now: options.now ?? Int(time(nil)), defaultZone: zone)
        } catch {
            throw FilterError(error, spec: file)
        }
        // A buffer of several lines is matched as one text: a line-by-line prefilter
        // could drop a line that a later match needs, so such filters run without it.
        let matcher: FilterMatcher
        do {
            matcher = try FilterMatcher(
                config.patterns, options: PCRE2Regex.Options(jit: options.jit ? .required : .off),
                usePrefilter: options.prefilter && config.maxLines <= 1, multiline: config.maxLines > 1,
                dateCut: detector.dateCut)
        } catch {
            throw FilterError(file: file, error.description)
        }
        self.config = config
        self.matcher = matcher
        self.detector = detector
        var seen = Set<String>()
        notes = (config.notes + matcher.notes).filter { seen.insert($0).inserted }
    }

    /// This filter as one filter of a scan, over the files of `files` (nil: all).
    package func scanFilter(files: Set<Int>? = nil) -> ScanFilter {
        ScanFilter(matcher: matcher, detector: detector, maxLines: config.maxLines, files: files)
    }
}
