import Analyzer
import Foundation
import LogSource
import Matcher

/// Reads a ledger written by ``LedgerWriter`` (zstd-compressed JSON Lines, recognised by
/// content like every other input).
public struct LedgerReader: Sendable {
    /// What is wrong with a ledger, naming it.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
        public init(path: String, _ reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public let path: String
    public let header: LedgerHeader
    public let groups: [LedgerGroup]

    /// Reads the whole ledger.
    /// - Throws: `ReadError` when it cannot be read, is not a ledger, or is of another
    ///   format version.
    public init(path: String) throws(ReadError) {
        self.path = path
        var lines: [[UInt8]] = []
        var problem: String? = nil
        do {
            let (source, _) = try LogFile.open(path)
            let chunker = LineChunker(source: source, capacity: 16 << 20)
            chunker.keepsUnterminatedLine = true
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: chunker.capacity, alignment: 64)
            defer { storage.deallocate() }
            while let count = try chunker.fill(storage) {
                let bytes = UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
                LineScanner.forEachLine(in: bytes) { line, _ in if !line.isEmpty { lines.append(Array(line)) } }
            }
            problem = source.warnings.first?.description
            if chunker.longLines > 0 { problem = "a line longer than 16 MiB: not a ledger failscan wrote" }
        } catch {
            problem = error.description
        }
        if let problem { throw ReadError(path: path, problem) }
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
        var groups: [LedgerGroup] = []
        groups.reserveCapacity(lines.count - 1)
        for (n, line) in lines.dropFirst().enumerated() {
            guard let group = LedgerGroup.parse(line) ?? (try? decoder.decode(LedgerGroup.self, from: Data(line))), group.j >= 0,
                group.j < header.jails.count,
                group.f >= 0, group.f < header.files.count, group.id != nil
            else {
                throw ReadError(path: path, "line \(n + 2) is not a failure group of this ledger")
            }
            groups.append(group)
        }
        self.header = header
        self.groups = groups
    }

    /// Reads `paths` on every core, in their order.
    /// - Throws: the first path's `ReadError`, in the order given.
    public static func readAll(_ paths: [String]) throws(ReadError) -> [LedgerReader] {
        let results = Parallel.map(paths.count) { k in
            Result { () throws(ReadError) in try LedgerReader(path: paths[k]) }
        }
        return try results.map { result throws(ReadError) in try result.get() }
    }
}
