import Foundation
import LogSource
import Matcher
import Synchronization

/// What one input file gave, once it is read to its end.
public struct FileSummary: Sendable {
    public init(path: String) { self.path = path }
    public var path: String
    public var warnings: [ScanError] = []
    /// Uncompressed bytes.
    public var bytes = 0
    public var compression: Compression = .none
    /// Whether the file could be opened and read at all.
    public var opened = false
    /// How many chunks it was cut into.
    public var chunks = 0
    /// Bytes of a last line without `\n` that were left out.
    public var unterminatedBytes = 0
    /// Lines, when the scan counted them (a detailed scan).
    public var lines = 0
}

/// The outcome of a scan, apart from the failures (which go to the consumer).
public struct ScanSummary: Sendable {
    public init() {}
    public var files: [FileSummary] = []
    public var counters = FilterCounters()
    public var failures = 0
    /// Per filter of the scan.
    public var filterCounters: [FilterCounters] = []
    public var filterFailures: [Int] = []
    /// Per filter of the scan, the logins of a success filter (empty for the others).
    public var logins: [LoginBook] = []
    /// Lines read by the first filter (counted only by a detailed scan).
    public var lines = 0

    mutating func finish(_ assemblers: [Assembler]) {
        filterCounters = assemblers.map(\.counters)
        filterFailures = assemblers.map(\.failureCount)
        logins = assemblers.map { $0.logins.count > 0 ? $0.logins.finished() : $0.logins }
        for counters in filterCounters { self.counters.add(counters) }
        failures = filterFailures.reduce(0, +)
        lines = assemblers.first?.lineCount ?? 0
        for assembler in assemblers {
            for (file, count) in assembler.fileLines where file < files.count { files[file].lines = max(files[file].lines, count) }
        }
    }
    /// (Saturating: a reduce's files come from ledgers, whose sizes are checked one by one.)
    public var bytes: Int {
        files.reduce(0) { total, file in
            let (sum, overflow) = total.addingReportingOverflow(file.bytes)
            return overflow ? Int.max : sum
        }
    }
    public var warnings: [ScanError] { files.flatMap(\.warnings) }
    public var filesRead: Int { files.filter(\.opened).count }
    /// Files whose unterminated last line was left out.
    public var unterminated: [FileSummary] { files.filter { $0.unterminatedBytes > 0 } }
}
