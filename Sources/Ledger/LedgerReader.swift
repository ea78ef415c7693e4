import Analyzer
import Foundation
import LogSource
import Matcher

/// Reads a ledger written by ``LedgerWriter`` (zstd-compressed JSON Lines, recognised by
/// content like every other input).
package struct LedgerReader: Sendable {
    /// What is wrong with a ledger, naming it.
    package struct ReadError: Error, Sendable, CustomStringConvertible {
        package let path: String
        package let reason: String
        package var description: String { "\(path): \(reason)" }
        package init(path: String, _ reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    package let path: String
    package let header: LedgerHeader
    /// The failure groups (none when only the header was read).
    package let groups: [LedgerGroup]

    /// Reads the ledger: its header and, unless `headerOnly`, its failure groups, each
    /// checked against the format's ranges (``LedgerLimits``).
    /// - Parameter failregexes: per jail of the header, how many failregexes its filter
    ///   has (a group naming another is refused); nil: not checked.
    /// - Throws: `ReadError` naming the ledger (and the line) when it cannot be read, is
    ///   not a ledger, is of another format version, inflates beyond its limit, or holds
    ///   a value outside the format.
    package init(path: String, headerOnly: Bool = false, failregexes: [Int]? = nil) throws(ReadError) {
        self.path = path
        // A header is read from the first MiB when it fits there (it names the shard's files).
        var lines = try Self.lines(path, capacity: headerOnly ? 1 << 20 : 16 << 20, firstOnly: headerOnly)
        if headerOnly && lines.isEmpty { lines = try Self.lines(path, capacity: 16 << 20, firstOnly: true) }
        let decoder = JSONDecoder()
        guard let first = lines.first, let header = try? decoder.decode(LedgerHeader.self, from: Data(first)),
            header.format == LedgerHeader.formatName
        else {
            throw ReadError(path: path, "not a failscan ledger (no \(LedgerHeader.formatName) header)")
        }
        guard header.version == LedgerHeader.currentVersion else {
            throw ReadError(
                path: path, "ledger format version \(header.version); this failscan reads version \(LedgerHeader.currentVersion)")
        }
        if let problem = header.problem { throw ReadError(path: path, "line 1 (the header): \(problem)") }
        if let failregexes, failregexes.count != header.jails.count {
            throw ReadError(path: path, "\(header.jails.count) jails; the configuration has \(failregexes.count)")
        }
        guard !headerOnly else {
            self.header = header
            self.groups = []
            return
        }
        var groups: [LedgerGroup] = []
        groups.reserveCapacity(lines.count - 1)
        for (n, line) in lines.dropFirst().enumerated() {
            guard let group = LedgerGroup.parse(line) ?? (try? decoder.decode(LedgerGroup.self, from: Data(line))) else {
                throw ReadError(path: path, "line \(n + 2) is not a failure group of this ledger")
            }
            if let problem = group.problem(in: header, failregexes: failregexes) {
                throw ReadError(path: path, "line \(n + 2) is not a failure group of this ledger: \(problem)")
            }
            groups.append(group)
        }
        self.header = header
        self.groups = groups
    }

    /// The non-empty lines of the ledger at `path`, decompressed `capacity` bytes at a time;
    /// with `firstOnly`, the first line only, or none when it is longer than `capacity`.
    /// A ledger that inflates beyond ``LedgerLimits/inflated`` bytes and ``LedgerLimits/ratio``
    /// times its size is refused before it is held in memory.
    static func lines(_ path: String, capacity: Int, firstOnly: Bool) throws(ReadError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var problem: String? = nil
        do {
            var info = stat()
            let limit = max(LedgerLimits.inflated, stat(path, &info) == 0 ? Int(info.st_size) * LedgerLimits.ratio : 0)
            var inflated = 0
            let reader = try LogReader(.file(path), capacity: capacity, keepsUnterminatedLine: true)
            var firstCut = false
            try reader.forEachChunk { bytes in
                if firstOnly && reader.longLines > 0 {
                    firstCut = true
                    return false
                }
                inflated += bytes.count
                if inflated > limit {
                    problem = "inflates to more than \(limit >> 20) MiB (\(LedgerLimits.ratio) times its size): not a ledger failscan wrote"
                    return false
                }
                LineScanner.forEachLine(in: bytes) { line, _ in if !line.isEmpty { lines.append(Array(line)) } }
                return !(firstOnly && !lines.isEmpty)
            }
            if firstCut { return [] }
            if firstOnly && !lines.isEmpty { return [lines[0]] }
            if problem == nil { problem = reader.warnings.first { $0.code != .lineTooLong }?.description }
            if problem == nil, reader.longLines > 0 { problem = "a line longer than 16 MiB: not a ledger failscan wrote" }
        } catch {
            problem = error.description
        }
        if let problem { throw ReadError(path: path, problem) }
        return lines
    }

    /// Reads `paths` on every core, in their order (with `headersOnly`, their headers).
    /// - Throws: the first path's `ReadError`, in the order given.
    package static func readAll(_ paths: [String], headersOnly: Bool = false) throws(ReadError) -> [LedgerReader] {
        let results = Parallel.map(paths.count) { k in
            Result { () throws(ReadError) in try LedgerReader(path: paths[k], headerOnly: headersOnly) }
        }
        return try results.map { result throws(ReadError) in try result.get() }
    }
}
