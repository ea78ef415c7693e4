import Analyzer
import Fail2banConfig
import Foundation
import Matcher

/// The bodies of failscan's fuzz targets (`scripts/fuzz` builds each behind a libFuzzer
/// entry point in `Fuzz/`); the crash replay test runs every kept input through them too.
/// Each takes arbitrary bytes and must neither crash nor hang; errors are fine.
package enum FuzzTargets {
    /// The names `scripts/fuzz` and the replay test know.
    package static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "config": config, "date": date, "dialect": dialect, "linematcher": lineMatcher, "fields": fields,
    ]

    /// The configuration reader: the bytes as a filter file (with an include beside it)
    /// through the ini parser, interpolation, tag substitution and the dialect.
    package static func config(_ data: UnsafeRawBufferPointer) {
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
    package static func date(_ data: UnsafeRawBufferPointer) {
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
    package static func dialect(_ data: UnsafeRawBufferPointer) {
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
    package static func lineMatcher(_ data: UnsafeRawBufferPointer) {
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

    /// Whole matched lines with long captures, through the whole replay (scan, multi-line
    /// merge, ledger, FailManager) on one thread and on three. Each input line is a
    /// template byte and a payload: the template wraps the payload as the user, session or
    /// message of a line a filter matches (sshd-like with `<F-MLFID>`, dovecot-like with
    /// many groups, a `maxlines = 2` filter); in the payload, byte 0x01 and two more bytes
    /// n stand for n x 16 bytes of `A` (up to 1 MiB, so lines of any length up to and past
    /// the chunk limit; logs up to 8 MiB). Both thread counts must decide the same bans.
    package static func fields(_ data: UnsafeRawBufferPointer) {
        var log: [UInt8] = []
        var second = 0
        for raw in data.split(separator: 10, omittingEmptySubsequences: false) where !raw.isEmpty {
            var payload: [UInt8] = []
            var rest = raw.dropFirst()
            while let byte = rest.first {
                rest = rest.dropFirst()
                guard byte == 1, rest.count >= 2 else {
                    payload.append(byte)
                    continue
                }
                let n = Int(rest[rest.startIndex]) << 8 | Int(rest[rest.startIndex + 1])
                rest = rest.dropFirst(2)
                payload.append(contentsOf: repeatElement(UInt8(ascii: "A"), count: n * 16))
            }
            second += 1
            if log.count > 8 << 20 { break }
            let template = fieldTemplates[Int(raw[raw.startIndex]) % fieldTemplates.count]
            log.append(contentsOf: Array("Nov 25 10:\(second / 60 % 60 / 10)\(second / 60 % 10):\(second % 60 / 10)\(second % 10) ".utf8))
            for part in template.split(separator: "@", omittingEmptySubsequences: false).enumerated() {
                if part.offset > 0 { log.append(contentsOf: payload) }
                log.append(contentsOf: Array(part.element.utf8))
            }
            log.append(10)
        }
        let path = fieldLog
        guard FileManager.default.createFile(atPath: path, contents: Data(log)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let jails = fieldJails
        var outcomes: [[[JailRecord]]] = []
        for (threads, detailed) in [(1, true), (3, false)] {
            let replay = JailReplay(jails: jails, options: ScanOptions(threads: threads, chunkSize: 1 << 20, detailed: detailed))
            outcomes.append(replay.run().results.map(\.records))
        }
        precondition(outcomes[0] == outcomes[1], "one thread and three decided different bans")
    }

    /// The log ``fields(_:)`` writes (one per process).
    static let fieldLog: String = {
        let dir = NSTemporaryDirectory() + "failscan-fuzz-fields-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/auth.log"
    }()

    /// The jails of ``fields(_:)`` over ``fieldLog``, compiled once.
    static let fieldJails: [JailReplay.Jail] = fieldFilters.enumerated().map { (n, filter) in
        let config = JailConfig(name: "f\(n)", filter: "fuzz", logPatterns: [fieldLog], maxRetry: 2, findTime: 3600, banTime: 600)
        guard let compiled = try? CompiledFilter(config: filter, options: FilterOptions(now: 1_795_600_000, jit: true)) else {
            preconditionFailure("the fuzz filter \(filter.name) does not compile")
        }
        return JailReplay.Jail(config: config, filter: compiled, files: [fieldLog])
    }

    /// The line templates of ``fields(_:)``: `@` is the payload.
    static let fieldTemplates = [
        "host sshd[1]: Failed password for invalid user @ from 192.0.2.1 port 22 ssh2",
        "host sshd[2]: Failed password for @ from 192.0.2.2 port 22 ssh2",
        "host sshd[3]: Connection from 192.0.2.3 port 22 on 10.0.0.1 port 22 user @",
        "host sshd[3]: Invalid user @ from 192.0.2.3 port 22",
        "host sshd[3]: Disconnected from user @ 192.0.2.3 port 22",
        "host dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<@>, rip=192.0.2.4, session=<@>",
        "host dovecot: imap-login: Login: user=<@>, method=PLAIN, rip=192.0.2.5, session=<x@>",
        "host app: @",
        "host app: first @",
        "host app: second from 192.0.2.6 @",
    ]

    /// The filters of ``fields(_:)``: multi-line ids with `<F-NOFAIL>` and `<F-MLFFORGET>`,
    /// many named groups, and a buffer of two lines.
    static let fieldFilters: [FilterConfig] = [
        FilterConfig(
            name: "fuzz-sshd",
            patterns: FilterPatterns(
                prefregex: "^<F-MLFID>\\S+ sshd\\[\\d+\\]:</F-MLFID> <F-CONTENT>.+</F-CONTENT>$",
                failregex: [
                    "^Failed \\S+ for (?:invalid user )?<F-USER>.+?</F-USER> from <HOST> port \\d+",
                    "^Invalid user <F-USER>.*?</F-USER> from <HOST>",
                    "^<F-NOFAIL>Connection from</F-NOFAIL> <HOST> port \\d+ on \\S+ port \\d+ user <F-ALT_USER>.*</F-ALT_USER>$",
                    "^<F-MLFFORGET>Disconnected</F-MLFFORGET> from user <F-USER>.+</F-USER> <HOST> port",
                ])),
        FilterConfig(
            name: "fuzz-dovecot",
            patterns: FilterPatterns(failregex: [
                "dovecot: \\w+-login: Aborted login \\(auth failed[^)]*\\): user=<<F-USER>[^>]*</F-USER>>, rip=<HOST>, session=<<F-SESSION>[^>]*</F-SESSION>>",
                "dovecot: \\w+-login: <F-NOFAIL>Login</F-NOFAIL>: user=<<F-ALT_USER>[^>]*</F-ALT_USER>>, method=<F-M1>\\w+</F-M1>, rip=<HOST>, session=<<F-SESSION>[^>]*</F-SESSION>>",
            ])),
        FilterConfig(
            name: "fuzz-lines",
            patterns: FilterPatterns(failregex: ["app: first <F-USER>.*</F-USER>\\n.*app: second from <HOST> <F-EXTRA>.*</F-EXTRA>$"]),
            maxLines: 2),
    ]
}
