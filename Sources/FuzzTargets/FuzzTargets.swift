import Analyzer
import Fail2banConfig
import Foundation
import Matcher

/// The bodies of failscan's fuzz targets (`scripts/fuzz` builds each behind a libFuzzer
/// entry point in `Fuzz/`); the crash replay test runs every kept input through them too.
/// Each takes arbitrary bytes and must neither crash nor hang; errors are fine.
public enum FuzzTargets {
    /// The names `scripts/fuzz` and the replay test know.
    public static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "config": config, "date": date, "dialect": dialect, "linematcher": lineMatcher,
    ]

    /// The configuration reader: the bytes as a filter file (with an include beside it)
    /// through the ini parser, interpolation, tag substitution and the dialect.
    public static func config(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        let dir = NSTemporaryDirectory() + "failscan-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir + "/filter.d", withIntermediateDirectories: true)
        let path = dir + "/filter.d/fuzz.conf"
        guard (try? text.write(toFile: path, atomically: false, encoding: .utf8)) != nil else { return }
        try? "[INCLUDES]\nbefore = fuzz.conf\n[Definition]\nfailregex = x <HOST>\n".write(
            toFile: dir + "/filter.d/inc.conf", atomically: false, encoding: .utf8)
        for spec in [path, "fuzz[mode=aggressive, x=\"a,b\"]", "inc"] {
            guard let filter = try? FilterLoader(configDirectory: dir).load(spec) else { continue }
            _ = try? FilterMatcher(filter.patterns, options: .init(jit: .off))
        }
        _ = try? IniFile(path: path, text: text)
    }

    /// The date parser: the bytes as a log line under the default templates, and as a
    /// `datepattern` applied to a fixed line.
    public static func date(_ data: UnsafeRawBufferPointer) {
        let line = data.bindMemory(to: UInt8.self)
        for detector in [defaultDates, utcDates] {
            _ = detector.detect(line, scratch: detector.makeScratch())
        }
        let pattern = String(decoding: data.prefix(256), as: UTF8.self)
        if let custom = try? DateDetector(patterns: [pattern], now: 1_795_600_000) {
            var sample = Array("2026-11-25 10:00:00 Nov 25 10:00:00 1795600000 @4000000037c219bf2ef02e94 x".utf8)
            sample.append(contentsOf: line.prefix(64))
            _ = sample.withUnsafeBufferPointer { custom.detect($0, scratch: custom.makeScratch()) }
        }
    }

    static let defaultDates = try! DateDetector(now: 1_795_600_000)
    static let utcDates = try! DateDetector(patterns: ["{^LN-BEG}"], now: 1_795_600_000, defaultZone: 0)

    /// The dialect translator: the bytes as a failregex, translated and compiled.
    public static func dialect(_ data: UnsafeRawBufferPointer) {
        let regex = String(decoding: data.prefix(4096), as: UTF8.self)
        for useDNS in [true, false] {
            guard let translation = try? Fail2banDialect(useDNS: useDNS).translate(regex) else { continue }
            _ = try? PCRE2Regex(translation.pattern, options: .init(jit: .off))
        }
        _ = try? FilterMatcher(FilterPatterns(prefregex: regex, failregex: ["x <HOST>"]), options: .init(jit: .off))
    }

    /// The line matcher: the bytes as a log buffer under filters with literals, a
    /// prefregex and multi-line ids. With the prefilter and without it, the same lines
    /// must match: the prefilter's contract (false positives allowed, false negatives
    /// never) is checked, not only the absence of crashes.
    public static func lineMatcher(_ data: UnsafeRawBufferPointer) {
        let buffer = data.bindMemory(to: UInt8.self)
        for (with, without) in matchers {
            let a = matchedLines(buffer, with), b = matchedLines(buffer, without)
            precondition(a == b, "the prefilter lost a line: \(b.subtracting(a).sorted())")
        }
    }

    static let matchers: [(FilterMatcher, FilterMatcher)] = {
        let filters = [
            FilterPatterns(failregex: [
                "^Failed (?:password|publickey) for (?:invalid user )?<F-USER>\\S+</F-USER> from <HOST>( port \\d+)?",
                "authentication failure; .* rhost=<HOST>(?:\\s+user=<F-USER>\\S*</F-USER>)?$",
            ]),
            FilterPatterns(
                prefregex: "^\\S+ (?:postfix/\\w+)\\[\\d+\\]: <F-CONTENT>.+</F-CONTENT>$",
                failregex: [
                    "^NOQUEUE: reject: RCPT from \\S+\\[<HOST>\\]: 5\\d\\d ",
                    "^warning: [-._\\w]+\\[<HOST>\\]: SASL (?:LOGIN|PLAIN) authentication failed",
                ],
                ignoreregex: ["whitelisted"]),
            FilterPatterns(failregex: [
                "(?i)auth(?:entication)? fail(?:ed|ure) .*(?:rip|rhost)=<ADDR>",
                "<F-MLFID>conn \\d+</F-MLFID>: <F-NOFAIL>login</F-NOFAIL> from <HOST>",
            ]),
        ]
        return filters.map { patterns in
            (
                try! FilterMatcher(patterns, options: .init(jit: .off), usePrefilter: true),
                try! FilterMatcher(patterns, options: .init(jit: .off), usePrefilter: false)
            )
        }
    }()

    static func matchedLines(_ buffer: UnsafeBufferPointer<UInt8>, _ matcher: FilterMatcher) -> Set<Int> {
        let scratch = matcher.makeScratch()
        var lines = Set<Int>()
        guard let base = buffer.baseAddress else { return lines }
        LineScanner.forEachCandidateLine(in: buffer, matcher: matcher) { (range: Range<Int>) in
            let line = LineScanner.content(of: range, in: base)
            let subject = Array(line) + [10]
            let hit = subject.withUnsafeBufferPointer { (try? matcher.matchDetailed(subject: $0, scratch: scratch)) ?? nil }
            if hit != nil { lines.insert(range.lowerBound) }
        }
        return lines
    }
}
