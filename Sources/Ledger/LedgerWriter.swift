import Analyzer
import CZstd
import Foundation
import OutputBasics

/// Gathers a shard's failures (`failscan map`) and writes one ledger per partition.
///
/// Failures come per jail in the jail's input order; they are grouped by jail, id and
/// file (``LedgerGroup``), groups jail by jail in order of their first failure (so that a
/// ledger's bytes do not depend on threads), and spread over the partitions by a hash of
/// the id (``LedgerPartition``).
package final class LedgerWriter {
    struct Key: Hashable {
        var jail: Int
        var id: FailureID
        var file: Int
    }

    var groups: [Key: [Failure]] = [:]
    var order: [Key] = []
    /// Failures taken.
    package private(set) var count = 0

    package init() {}

    /// One failure of jail `jail` read from file number `file` of the shard.
    package func add(jail: Int, file: Int, _ failure: Failure) {
        let key = Key(jail: jail, id: failure.id, file: file)
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(failure)
        count += 1
    }

    /// The ledgers' bytes, compressed, per partition (header first).
    package func ledgers(header: LedgerHeader, level: Int32 = 3) -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var texts: [[UInt8]] = (0..<header.partitions).map { partition in
            var copy = header
            copy.partition = partition
            return Array((try? encoder.encode(copy)) ?? Data()) + [10]
        }
        // Jail by jail: each jail's failures come in its input order, but the scan interleaves
        // the jails as its threads finish chunks, so their order across jails is not the file's.
        let ordered = order.indices.sorted { (order[$0].jail, $0) < (order[$1].jail, $1) }.map { order[$0] }
        for key in ordered {
            let group = LedgerGroup(jail: key.jail, id: key.id, file: key.file, failures: groups[key]!)
            let partition = LedgerPartition.of(key.id, partitions: header.partitions)
            group.write(to: &texts[partition])
            texts[partition].append(10)
        }
        // The partitions compressed on every core.
        let finished = texts
        return Parallel.map(finished.count) { Self.compress(finished[$0], level: level) }
    }

    /// Writes the ledgers as `<directory>/<shard>.p<k>-of-<P>.ledger.zst`, each atomically.
    /// - Returns: the paths written.
    package func write(header: LedgerHeader, to directory: String) throws(WriteError) -> [String] {
        var paths: [String] = []
        for (partition, bytes) in ledgers(header: header).enumerated() {
            let path = (directory as NSString).appendingPathComponent(
                LedgerPartition.fileName(shard: header.shard, partition: partition, partitions: header.partitions))
            try AtomicFile.write(bytes, to: path)
            paths.append(path)
        }
        return paths
    }

    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let written = out.withUnsafeMutableBytes { o in
            bytes.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, i.count, level) }
        }
        precondition(ZSTD_isError(written) == 0, "zstd cannot fail on a buffer of its own bound")
        out.removeLast(out.count - written)
        return out
    }
}

/// Which partition a failure id goes to: every rule of fail2ban is per address (with
/// `bantime.overalljails`, per address over all jails), so a partition holds whole ids.
package enum LedgerPartition {
    package static func of(_ id: FailureID, partitions: Int) -> Int {
        guard partitions > 1 else { return 0 }
        return Int(FNV1a.hash(id.description.utf8) % UInt64(partitions))
    }

    package static func fileName(shard: String, partition: Int, partitions: Int) -> String {
        "\(shard).p\(partition)-of-\(partitions).ledger.zst"
    }
}
