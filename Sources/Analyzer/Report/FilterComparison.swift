import LogSource
import Matcher

/// Two filters over the same logs in one pass (`failscan regex --compare`): each file read
/// once and both matched on every chunk; the lines one matched and the other did not, and
/// what each cost.
package struct FilterComparison: Encodable, Sendable {
    /// One line that one filter matched and the other did not.
    package struct Line: Encodable, Sendable {
        package var file: String
        package var line: Int
        package var ip: String
        package var failregex: Int
        package var text: String?
    }

    /// One filter's side.
    package struct Side: Encodable, Sendable {
        package var filter: String
        /// Lines it matched (a failure with an id, as fail2ban-server takes it).
        package var matched: Int
        /// Lines it matched that the other did not (all of them, or the first `shown`).
        package var only: Int
        package var onlyLines: [Line]
        /// Time in its matcher (all regexes, gates and field copies), summed over threads.
        package var matcherNanoseconds: Int
        /// Lines the prefilter handed it.
        package var candidates: Int
    }

    package var a: Side
    package var b: Side
    package var both: Int
    package var lines: Int
    package var bytes: Int
    package var seconds: Double

    /// Runs `filters` (named `specs`) over `inputs`, keeping at most `shown` lines of each
    /// side's differences with their text.
    /// - Returns: the comparison, and what the scan read (its warnings among it).
    package static func run(
        _ filters: (CompiledFilter, CompiledFilter), specs: (String, String), inputs: [LogInput], options: ScanOptions, shown: Int
    ) -> (FilterComparison, ScanSummary) {
        var (a, b) = filters
        let profilers = [RegexProfiler(slots: a.matcher.profileSlots), RegexProfiler(slots: b.matcher.profileSlots)]
        a.matcher.profiler = profilers[0]
        b.matcher.profiler = profilers[1]
        var options = options
        options.detailed = true
        let scan = Scan(filters: [a.scanFilter(), b.scanFilter()], options: options)
        struct Key: Hashable {
            var file: Int
            var line: Int
        }
        var matched: [[Key: Failure]] = [[:], [:]]
        let started = ContinuousClock.now
        let result = scan.run(inputs) { (filter: Int, failure: Failure) in
            let key = Key(file: failure.file, line: failure.line)
            if matched[filter][key] == nil { matched[filter][key] = failure }
        }
        let seconds = started.secondsElapsed
        var sides: [Side] = []
        var wanted: [Int: Set<Int>] = [:]
        var differing: [[Failure]] = []
        for side in 0..<2 {
            let only = matched[side].filter { matched[1 - side][$0.key] == nil }.values.sorted {
                ($0.file, $0.line) < ($1.file, $1.line)
            }
            differing.append(Array(only.prefix(shown)))
            for failure in only.prefix(shown) { wanted[failure.file, default: []].insert(failure.line) }
            sides.append(
                Side(
                    filter: side == 0 ? specs.0 : specs.1, matched: matched[side].count, only: only.count, onlyLines: [],
                    matcherNanoseconds: profilers[side].totals().matcherNanoseconds,
                    candidates: result.filterCounters.count > side ? result.filterCounters[side].candidates : 0))
        }
        // The text of the differing lines shown, read again (few lines, one pass per file).
        var texts: [Int: [Int: String]] = [:]
        for (file, lines) in wanted where !(inputs[file].path?.hasPrefix("/dev/") ?? false) {
            texts[file] = Self.lines(lines, of: inputs[file])
        }
        for side in 0..<2 {
            sides[side].onlyLines = differing[side].map {
                Line(
                    file: inputs[$0.file].name, line: $0.line, ip: $0.id.description, failregex: $0.failregex + 1,
                    text: texts[$0.file]?[$0.line])
            }
        }
        let both = matched[0].keys.filter { matched[1][$0] != nil }.count
        return (FilterComparison(a: sides[0], b: sides[1], both: both, lines: result.lines, bytes: result.bytes, seconds: seconds), result)
    }

    /// The text of some lines (1-based numbers) of an input, plain or compressed.
    static func lines(_ numbers: Set<Int>, of input: LogInput) -> [Int: String] {
        var found: [Int: String] = [:]
        guard let reader = try? input.open(keepsUnterminatedLine: true) else { return found }
        var base = 0
        let last = numbers.max() ?? 0
        try? reader.forEachChunk { bytes in
            var number = base
            LineScanner.forEachLine(in: bytes) { line, n in
                number = base + n
                if numbers.contains(number) { found[number] = String(decoding: line, as: UTF8.self) }
            }
            base = number
            return base < last
        }
        return found
    }
}
