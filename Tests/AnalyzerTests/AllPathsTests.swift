import Foundation
import Matcher
import TestSupport
import Testing

@testable import Analyzer
@testable import Fail2banConfig
@testable import LogSource

/// The same input through every path (chunk sizes, threads, prefilter on and off, JIT
/// and interpreter) must give identical failures, in the style of ripgrep's SearcherTester.
@Suite struct AllPathsTests {
    /// The seed filters, the stock dovecot filter, and the stock sshd filter (`<F-MLFID>`:
    /// matched in parallel, merged in order by the assembler).
    static let filters = ["filters/dovecot.conf", "filters/qpoppermail.conf", "filters/qpopperauth.conf", "stock:dovecot", "stock:sshd"]

    func run(
        _ filterName: String, chunkSize: Int, threads: Int, prefilter: Bool, jit: PCRE2Regex.JITMode,
        logNames: [String] = ["mail.log.2.gz", "mail.log.1", "mail.log", "auth.log"]
    ) throws -> [Failure] {
        let spec = filterName.hasPrefix("stock:") ? String(filterName.dropFirst(6)) : TestSupport.corpus(filterName)
        // The library's one wiring of a filter spec and options (the maxlines rule included).
        let filter = try CompiledFilter(spec: spec, options: FilterOptions(now: 1795600000, prefilter: prefilter, jit: jit == .required))
        let logs = logNames.map { TestSupport.corpus("logs/\($0)") }
        var failures: [Failure] = []
        let result = Scan(filters: [filter.scanFilter()], options: ScanOptions(threads: threads, chunkSize: chunkSize, detailed: true))
            .run(logs.map(LogInput.file)) { failures.append($0) }
        #expect(result.warnings.isEmpty)
        #expect(result.failures == failures.count)
        return failures
    }

    @Test(arguments: filters)
    func everyPathGivesTheSameFailures(filter: String) throws {
        if filter.hasPrefix("stock:") {
            try #require(
                FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/\(filter.dropFirst(6)).conf"),
                Comment(rawValue: TestSupport.fail2banHint))
        }
        let reference = try run(filter, chunkSize: 1 << 16, threads: 1, prefilter: false, jit: .off)
        #expect(reference.count > 50, "the corpus should exercise \(filter)")
        for chunkSize in [512, 4096, 1 << 16] {
            for threads in [1, 2, 3] {
                for prefilter in [true, false] {
                    let jit: PCRE2Regex.JITMode = (chunkSize + threads) % 2 == 0 ? .off : .required
                    let failures = try run(filter, chunkSize: chunkSize, threads: threads, prefilter: prefilter, jit: jit)
                    #expect(failures == reference, "chunk \(chunkSize), threads \(threads), prefilter \(prefilter), jit \(jit)")
                }
            }
        }
    }

    /// One file and several threads: readers hand chunks to matching workers (with as many
    /// files as threads, each thread matches its own files instead).
    @Test(arguments: ["filters/dovecot.conf", "filters/qpoppermail.conf"])
    func oneFileOnSeveralThreads(filter: String) throws {
        for log in ["mail.log", "mail.log.2.gz"] {
            let reference = try run(filter, chunkSize: 4096, threads: 1, prefilter: false, jit: .required, logNames: [log])
            #expect(!reference.isEmpty)
            for threads in [2, 3] {
                #expect(try run(filter, chunkSize: 4096, threads: threads, prefilter: true, jit: .required, logNames: [log]) == reference)
            }
        }
    }

    @Test func lineNumbersPointAtTheMatchedLines() throws {
        let failures = try run("filters/qpoppermail.conf", chunkSize: 4096, threads: 1, prefilter: true, jit: .required)
        // Split bytes, not Characters: Swift reads "\r\n" as one Character.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/mail.log")))
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let inMailLog = failures.filter { $0.file == 2 }
        #expect(!inMailLog.isEmpty)
        for failure in inMailLog {
            let line = lines[failure.line - 1]
            #expect(line.contains("Password supplied") && line.contains("(\(failure.id))"), "line \(failure.line)")
        }
    }

    @Test func matchedLineWithoutDateTakesTheDateAboveIt() throws {
        let failures = try run("filters/dovecot.conf", chunkSize: 4096, threads: 1, prefilter: true, jit: .required)
        let undated = try #require(failures.first { $0.id == .address(IPAddress("198.51.100.73")!) })
        let dated = try #require(failures.first { $0.id == .address(IPAddress("198.51.100.72")!) && $0.file == undated.file })
        #expect(undated.time == dated.time)
        #expect(undated.line == dated.line + 1)
    }

    /// Every stock filter's translated patterns analysed with plain literal bytes grown in
    /// place and through the general product: the same literals, prefixes and ordered sets
    /// (the prefilter and the gates of every filter people run do not depend on it).
    @Test func literalRunsAnalyseEveryStockFilterAsTheGeneralProduct() throws {
        let directory = "/etc/fail2ban/filter.d"
        let names = try #require(
            try? FileManager.default.contentsOfDirectory(atPath: directory), Comment(rawValue: TestSupport.fail2banHint)
        ).filter { $0.hasSuffix(".conf") }.sorted()
        var compared = 0
        for name in names {
            // Filters that need arguments of a jail (or are not filters) do not compile alone.
            guard let filter = try? CompiledFilter(spec: String(name.dropLast(5)), options: FilterOptions(now: 1795600000)) else {
                continue
            }
            for pattern in filter.matcher.translatedPatterns {
                let fast = LiteralExtraction.analyzeAll(pattern)
                let general = LiteralExtraction.analyzeAll(pattern, literalRuns: false)
                #expect(fast.required == general.required && fast.prefixes == general.prefixes, "\(name): \(pattern)")
                #expect(fast.inOrder == general.inOrder, "\(name): \(pattern)")
                compared += 1
            }
        }
        #expect(compared > 200, "\(compared) patterns compared")
    }
}
