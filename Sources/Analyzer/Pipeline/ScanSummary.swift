import LogSource
import Matcher
import Synchronization

/// What one input file gave, once it is read to its end.
package struct FileSummary: Sendable {
    package init(path: String) { self.path = path }
    package var path: String
    package var warnings: [ScanError] = []
    /// Uncompressed bytes.
    package var bytes = 0
    package var compression: Compression = .none
    /// Whether the file could be opened and read at all.
    package var opened = false
    /// How many chunks it was cut into.
    package var chunks = 0
    /// Bytes of a last line without `\n` that were left out.
    package var unterminatedBytes = 0
    /// Lines, when the scan counted them (a detailed scan).
    package var lines = 0
    /// The SHA-1 of the first line (``LogReader/firstLineHash``), when the file was read;
    /// nil when this summary came from elsewhere (a ledger).
    package var firstLineHash: String? = nil
    /// For a journal: its last entry read (the position fail2ban's database keeps).
    package var journalEnd: JournalEnd? = nil
}

/// The outcome of a scan, apart from the failures (which go to the consumer).
package struct ScanSummary: Sendable {
    package init() {}
    package var files: [FileSummary] = []
    package var counters = FilterCounters()
    package var failures = 0
    /// Per filter of the scan.
    package var filterCounters: [FilterCounters] = []
    package var filterFailures: [Int] = []
    /// Per filter of the scan, the logins of a success filter (empty for the others).
    package var logins: [LoginBook] = []
    /// Lines read by the first filter (counted only by a detailed scan).
    package var lines = 0

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
    package var bytes: Int {
        files.reduce(0) { total, file in
            let (sum, overflow) = total.addingReportingOverflow(file.bytes)
            return overflow ? Int.max : sum
        }
    }
    package var warnings: [ScanError] { files.flatMap(\.warnings) }
    package var filesRead: Int { files.filter(\.opened).count }
    /// Files whose unterminated last line was left out.
    package var unterminated: [FileSummary] { files.filter { $0.unterminatedBytes > 0 } }
}
