import Analyzer
import Fail2banConfig
import Foundation
import LogSource
import Matcher

extension RegexCommand {
    /// One line that one filter matched and the other did not.
    struct ComparedLine: Encodable {
        var file: String
        var line: Int
        var ip: String
        var failregex: Int
        var text: String?
    }

    /// One filter's side of `--compare`.
    struct ComparedFilter: Encodable {
        var filter: String
        /// Lines it matched (a failure with an id, as fail2ban-server takes it).
        var matched: Int
        /// Lines it matched that the other did not (all of them in `--json`, the first 20
        /// in text).
        var only: Int
        var onlyLines: [ComparedLine]
        /// Time in its matcher (all regexes, gates and field copies), summed over threads.
        var matcherNanoseconds: Int
        /// Lines the prefilter handed it.
        var candidates: Int
    }

    /// `--compare --json`: one object {"compare": ...}.
    struct Comparison: Encodable {
        var a: ComparedFilter
        var b: ComparedFilter
        var both: Int
        var lines: Int
        var bytes: Int
        var seconds: Double
    }

    /// `--compare FILTER2`: both filters over the same logs in one pass (each file read
    /// once, both matched on every chunk), the lines one matched and the other did not,
    /// and what each cost.
    func compare(_ first: CompiledFilter, with spec: String, paths: [String], shown: [String]) throws {
        var a = first
        var b = try CompiledFilter(
            spec: spec, options: filterArguments.filterOptions, regexFallback: true, ignore: ignoreregex, useDNS: useDNS,
            maxLines: maxLines, arguments: logType.map { ["logtype": $0] } ?? [:])
        for note in b.notes { Diagnostics.note("\(spec): \(note)") }
        let profilers = [RegexProfiler(slots: a.matcher.profileSlots), RegexProfiler(slots: b.matcher.profileSlots)]
        a.matcher.profiler = profilers[0]
        b.matcher.profiler = profilers[1]
        let scan = Scan(filters: [a.scanFilter(), b.scanFilter()], options: filterArguments.scanOptions(detailed: true))
        struct Key: Hashable {
            var file: Int
            var line: Int
        }
        var matched: [[Key: Failure]] = [[:], [:]]
        let started = ContinuousClock.now
        let result = scan.run(paths) { (filter: Int, failure: Failure) in
            let key = Key(file: failure.file, line: failure.line)
            if matched[filter][key] == nil { matched[filter][key] = failure }
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        for warning in result.warnings { Diagnostics.warning(warning.description) }
        filterArguments.reportUnterminated(result)
        guard result.filesRead > 0 else { throw ExitStatus.NoInput() }
        let shownLimit = json ? Int.max : 20
        var sides: [ComparedFilter] = []
        var wanted: [Int: Set<Int>] = [:]
        var differing: [[Failure]] = []
        for side in 0..<2 {
            let only = matched[side].filter { matched[1 - side][$0.key] == nil }.values.sorted {
                ($0.file, $0.line) < ($1.file, $1.line)
            }
            differing.append(Array(only.prefix(shownLimit)))
            for failure in only.prefix(shownLimit) { wanted[failure.file, default: []].insert(failure.line) }
            sides.append(
                ComparedFilter(
                    filter: side == 0 ? filter : spec, matched: matched[side].count, only: only.count, onlyLines: [],
                    matcherNanoseconds: profilers[side].totals().matcherNanoseconds,
                    candidates: result.filterCounters.count > side ? result.filterCounters[side].candidates : 0))
        }
        // The text of the differing lines shown, read again (few lines, one pass per file).
        var texts: [Int: [Int: String]] = [:]
        for (file, lines) in wanted where !paths[file].hasPrefix("/dev/") { texts[file] = Self.lines(lines, of: paths[file]) }
        for side in 0..<2 {
            sides[side].onlyLines = differing[side].map {
                ComparedLine(
                    file: shown[$0.file], line: $0.line, ip: $0.id.description, failregex: $0.failregex + 1, text: texts[$0.file]?[$0.line])
            }
        }
        let both = matched[0].keys.filter { matched[1][$0] != nil }.count
        let comparison = Comparison(a: sides[0], b: sides[1], both: both, lines: result.lines, bytes: result.bytes, seconds: seconds)
        if json {
            StandardOutput.write(JSONLines().line(["compare": comparison]))
        } else {
            StandardOutput.write(Self.comparisonText(comparison))
        }
        if !result.warnings.isEmpty { throw ExitStatus.incompleteInput }
    }

    static func comparisonText(_ c: Comparison) -> String {
        var out = "\nCompare\n=======\n\n"
        out += "A: \(c.a.filter)\nB: \(c.b.filter)\n\n"
        out +=
            "Lines: \(c.lines) lines; A matched \(c.a.matched), B matched \(c.b.matched); both \(c.both), only A \(c.a.only), only B \(c.b.only)\n"
        func cost(_ side: ComparedFilter) -> String {
            let ms = Double(side.matcherNanoseconds) / 1e6
            let perLine = side.candidates > 0 ? Double(side.matcherNanoseconds) / Double(side.candidates) : 0
            let rate = side.matcherNanoseconds > 0 ? Double(c.bytes) / 1e6 / (Double(side.matcherNanoseconds) / 1e9) : 0
            return String(
                format: "%.1f ms matching, %d candidate line(s), %.0f ns per candidate, %.0f MB/s of log per core", ms, side.candidates,
                perLine, rate)
        }
        out += "Cost:  A \(cost(c.a))\n       B \(cost(c.b))\n"
        if c.a.matcherNanoseconds > 0 {
            out += String(format: "       B/A time %.2f\n", Double(c.b.matcherNanoseconds) / Double(c.a.matcherNanoseconds))
        }
        out += String(format: "[one pass over %.1f MB in %.2f sec]\n", Double(c.bytes) / 1e6, c.seconds)
        for (name, side) in [("A", c.a), ("B", c.b)] where side.only > 0 {
            let header =
                side.only > side.onlyLines.count ? "Only \(name) (first \(side.onlyLines.count) of \(side.only)):" : "Only \(name):"
            out += "\n|- \(header)\n"
            for line in side.onlyLines {
                out += "|  \(line.file):\(line.line)  \(line.ip)  failregex \(line.failregex)"
                out += line.text.map { "\n|     \($0)" } ?? ""
                out += "\n"
            }
            out += "`-\n"
        }
        return out
    }

    /// The text of some lines (1-based numbers) of a file, plain or compressed.
    static func lines(_ numbers: Set<Int>, of path: String) -> [Int: String] {
        var found: [Int: String] = [:]
        guard let (source, _) = try? LogFile.open(path) else { return found }
        let chunker = LineChunker(source: source)
        chunker.keepsUnterminatedLine = true
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: chunker.capacity, alignment: 64)
        defer { storage.deallocate() }
        var base = 0
        let last = numbers.max() ?? 0
        while base < last, let count = try? chunker.fill(storage) {
            let bytes = UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
            var number = base
            LineScanner.forEachLine(in: bytes) { line, n in
                number = base + n
                if numbers.contains(number) { found[number] = String(decoding: line, as: UTF8.self) }
            }
            base = number
        }
        return found
    }
}
