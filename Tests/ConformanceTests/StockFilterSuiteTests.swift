import Foundation
import TestSupport
import Testing

/// fail2ban's own conformance suite: every stock filter (/etc/fail2ban/filter.d) that has
/// a sample log in the installed package's tests/files/logs, checked against the
/// `# failJSON:` expectation above each line, the way fail2ban's
/// tests/samplestestcase.py checks them (TEST_NOW 1124013600, TZ CET-01CEST-02).
/// Everything is read from the installed package at test time.
@Suite struct StockFilterSuiteTests {
    static let testNow = 1124013600
    static let timeZone = "CET-01CEST-02,M3.5.0,M10.5.0"

    static var logsDirectory: String? {
        let candidates = [
            "/usr/lib/python3/dist-packages/fail2ban/tests/files/logs",
            "/usr/local/lib/python3/dist-packages/fail2ban/tests/files/logs",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// One expectation: a line, the filter options in force, and the failJSON.
    struct Expectation {
        let options: [String: String]
        let line: [UInt8]
        let data: [String: Any]
        let location: String
    }

    /// Reads a sample log as samplestestcase.py does (fileOptions, filterOptions, addFILE).
    static func expectations(filter: String, logs: String) throws -> (items: [Expectation], skippedBlocks: Int) {
        var files = [filter]
        var items: [Expectation] = []
        var skipped = 0
        var common: [String: Any] = [:]
        var index = 0
        let header = try NSRegularExpression(pattern: "^#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)$")
        while index < files.count {
            let path = (logs as NSString).appendingPathComponent(files[index])
            index += 1
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let lines = data.split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
            var filterTests: [[String: String]] = []
            var ignoreBlock = false
            var i = 0
            while i < lines.count {
                var line = lines[i]
                let number = i + 1
                i += 1
                let text = String(decoding: line, as: UTF8.self)
                var faildata: [String: Any] = [:]
                if let m = header.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                    let kindRange = Range(m.range(at: 1), in: text), let jsonRange = Range(m.range(at: 2), in: text)
                {
                    let kind = String(text[kindRange])
                    let json = try JSONSerialization.jsonObject(with: Data(text[jsonRange].utf8), options: [.fragmentsAllowed])
                    switch kind {
                    case "fileOptions":
                        common = json as? [String: Any] ?? [:]
                        continue
                    case "filterOptions":
                        filterTests = []
                        ignoreBlock = false
                        let list = (json as? [[String: Any]]) ?? [(json as? [String: Any]) ?? [:]]
                        for options in list {
                            var merged = common
                            for (k, v) in options { merged[k] = v }
                            if merged["test.condition"] != nil {
                                ignoreBlock = true
                                skipped += 1
                                continue
                            }
                            filterTests.append(merged.mapValues { "\($0)" })
                        }
                        continue
                    case "addFILE":
                        if let name = json as? String { files.append(name) }
                        continue
                    default:
                        faildata = json as? [String: Any] ?? [:]
                        guard i < lines.count else { continue }
                        line = lines[i]
                        i += 1
                    }
                } else if ignoreBlock || text.hasPrefix("#") || text.trimmingCharacters(in: .whitespaces).isEmpty {
                    continue
                }
                if ignoreBlock { continue }
                if filterTests.isEmpty { filterTests = [[:]] }
                while let last = line.last, last == 10 || last == 13 { line.removeLast() }
                for options in filterTests {
                    items.append(Expectation(options: options, line: line, data: faildata, location: "\(files[index - 1]):\(number)"))
                }
            }
        }
        return (items, skipped)
    }

    /// Local time in CET-01CEST-02,M3.5.0,M10.5.0 (EU rule, switches at 02:00 local) to Unix time.
    static func cetToUnix(_ text: String) -> Int? {
        let parts = text.split(whereSeparator: { "-T:.".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 6 else { return nil }
        func days(_ y: Int, _ m: Int, _ d: Int) -> Int {
            let y2 = m <= 2 ? y - 1 : y
            let era = (y2 >= 0 ? y2 : y2 - 399) / 400
            let yoe = y2 - era * 400
            let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
            return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
        }
        func lastSunday(_ y: Int, _ m: Int) -> Int {
            let last = days(y, m, 31)
            let weekday = ((last % 7) + 11) % 7 // 0 = Sunday (1970-01-01 was a Thursday)
            return last - weekday
        }
        let (y, mo, d, h, mi, s) = (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
        let naive = days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
        let dstStart = lastSunday(y, 3) * 86400 + 3600 // 02:00 CET = 01:00 UTC
        let dstEnd = lastSunday(y, 10) * 86400 // 02:00 CEST = 00:00 UTC
        let asSummer = naive - 7200
        if asSummer >= dstStart && asSummer < dstEnd { return asSummer }
        return naive - 3600
    }

    /// Runs failscan on the expectation lines of one option set; returns results by line.
    static func run(filter: String, options: [String: String], lines: [[UInt8]], scratch: URL, prefilter: Bool = true) throws -> (
        results: [Int: [String: Any]], raw: String
    ) {
        let log = scratch.appendingPathComponent("\(filter)-\(abs(options.description.hashValue)).log")
        var body: [UInt8] = []
        let journal = options["logtype"] == "journal"
        for line in lines {
            if journal, let prefix = options["test.prefix-line"] { body += Array(prefix.utf8) }
            body += line + [10]
        }
        try Data(body).write(to: log)
        let arguments = options.filter { !$0.key.hasPrefix("test.") }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let spec = arguments.isEmpty ? filter : "\(filter)[\(arguments)]"
        // samplestestcase.py reads every line, the last one too when it has no newline.
        var command =
            ["regex", "--json", "--count-unterminated", "--threads", "1", "--now", String(testNow)] + (prefilter ? [] : ["--no-prefilter"])
        if journal { command += ["--datepattern", "{NONE}"] }
        let output = try TestSupport.failscan(command + [log.path, spec], environment: ["TZ": timeZone])
        guard output.status == 0 || output.status == 1 else {
            throw ConformanceFailure(message: "failscan failed on \(spec): \(output.stderr)")
        }
        var results: [Int: [String: Any]] = [:]
        for row in TestSupport.jsonRows(output.stdout) {
            guard let object = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                let line = object["line"] as? Int, results[line] == nil
            else { continue }
            results[line] = object
        }
        return (results, TestSupport.jsonRows(output.stdout).joined(separator: "\n"))
    }

    struct ConformanceFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Checks one expectation against failscan's result; nil when it passes.
    static func check(_ expectation: Expectation, _ result: [String: Any]?) -> String? {
        let shouldMatch = expectation.data["match"] as? Bool ?? false
        guard let result else { return shouldMatch ? "not matched" : nil }
        guard shouldMatch else { return "matched, should not" }
        let fields = result["fields"] as? [String: Any] ?? [:]
        for (key, value) in expectation.data where !["time", "match", "desc", "constraint"].contains(key) {
            var actual: Any? = fields[key]
            // fail2ban's tests read hosts raw (returnRawHost): the captured text, in its
            // order of preference, not the canonical address failscan bans.
            if actual == nil, key == "host" { actual = fields["ip4"] ?? fields["ip6"] ?? fields["dns"] ?? fields["fid"] ?? result["ip"] }
            if key == "users", let expected = value as? [String] {
                let got = (actual as? [String]) ?? []
                if got.sorted() != expected.sorted() { return "users: \(got) != \(expected)" }
                continue
            }
            if "\(actual ?? "nil")" != "\(value)" { return "\(key): \(actual ?? "nil") != \(value)" }
        }
        if let time = expectation.data["time"] as? String {
            guard let expected = cetToUnix(time) else { return "bad time \(time)" }
            if result["time"] as? Int != expected { return "time: \(result["time"] ?? "nil") != \(expected) (\(time))" }
        }
        return nil
    }

    @Test func stockFiltersPassTheirSampleLogs() throws {
        let logs = try #require(Self.logsDirectory, Comment(rawValue: TestSupport.fail2banHint))
        let filterDirectory = "/etc/fail2ban/filter.d"
        let filters = try FileManager.default.contentsOfDirectory(atPath: filterDirectory)
            .filter { $0.hasSuffix(".conf") && $0 != "common.conf" }
            .map { String($0.dropLast(5)) }
            .filter { FileManager.default.fileExists(atPath: (logs as NSString).appendingPathComponent($0)) }
            .sorted()
        #expect(filters.count > 50)
        let scratch = try TestSupport.temporaryDirectory()
        var table: [(String, Int, Int)] = []
        var failures: [String] = []
        var prefilterDifferences: [String] = []
        for filter in filters {
            let (items, _) = try Self.expectations(filter: filter, logs: logs)
            var passed = 0
            var byOptions: [String: [Int]] = [:]
            for (index, item) in items.enumerated() where item.data["constraint"] == nil {
                byOptions[item.options.sorted { $0.key < $1.key }.description, default: []].append(index)
            }
            var total = 0
            for (_, indices) in byOptions.sorted(by: { $0.key < $1.key }) {
                let options = items[indices[0]].options
                let results: [Int: [String: Any]]
                do {
                    let lines = indices.map { items[$0].line }
                    let on = try Self.run(filter: filter, options: options, lines: lines, scratch: scratch)
                    let off = try Self.run(filter: filter, options: options, lines: lines, scratch: scratch, prefilter: false)
                    if on.raw != off.raw { prefilterDifferences.append("\(filter) \(options)") }
                    results = on.results
                } catch {
                    failures.append("\(filter) \(options): \(error)")
                    total += indices.count
                    continue
                }
                for (position, index) in indices.enumerated() {
                    total += 1
                    if let problem = Self.check(items[index], results[position + 1]) {
                        failures.append("\(filter) \(items[index].location): \(problem)")
                    } else {
                        passed += 1
                    }
                }
            }
            table.append((filter, passed, total))
        }
        let passedAll = table.reduce(0) { $0 + $1.1 }, totalAll = table.reduce(0) { $0 + $1.2 }
        var report = "fail2ban sample-log conformance (filter: passed/total)\n"
        for (filter, passed, total) in table { report += "  \(filter): \(passed)/\(total)\(passed == total ? "" : "  <--")\n" }
        report += String(format: "  TOTAL: %d/%d (%.1f%%)\n", passedAll, totalAll, 100.0 * Double(passedAll) / Double(max(totalAll, 1)))
        report += "failures:\n" + failures.map { "  " + $0 }.joined(separator: "\n") + "\n"
        print(report)
        try? report.write(
            toFile: scratch.deletingLastPathComponent().appendingPathComponent("failscan-conformance.txt").path, atomically: true,
            encoding: .utf8)
        // Every expectation of every filter passes (the closing note of a change that
        // breaks one names it; this test names them above).
        for (filter, passed, total) in table { #expect(passed == total, "\(filter): \(passed)/\(total)") }
        #expect(totalAll > 1000)
        #expect(prefilterDifferences.isEmpty, "prefilter on and off disagree: \(prefilterDifferences)")
    }
}
