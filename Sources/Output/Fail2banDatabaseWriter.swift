import Analyzer
import CSQLite
import Fail2banConfig
import Foundation
import LogSource

/// Writes a fail2ban 1.0 database (schema version 4: `fail2banDb`, `jails`, `logs`,
/// `bans`, `bips`) holding failscan's bans, so that a fail2ban-server started on it
/// restores them: the bulk preload.
///
/// Corresponds to the `_CREATE_SCRIPTS` and `addBan` of fail2ban's `server/database.py`
/// (same tables, columns and indexes; read from the installed package, not copied).
public enum Fail2banDatabaseWriter {
    /// A database problem, naming the file and SQLite's message.
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS fail2banDb(version INTEGER);
        CREATE TABLE IF NOT EXISTS jails(name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1);
        CREATE INDEX IF NOT EXISTS jails_name ON jails(name);
        CREATE TABLE IF NOT EXISTS logs(jail TEXT NOT NULL, path TEXT, firstlinemd5 TEXT, lastfilepos INTEGER DEFAULT 0, FOREIGN KEY(jail) REFERENCES jails(name) ON DELETE CASCADE, UNIQUE(jail, path),UNIQUE(jail, path, firstlinemd5));
        CREATE INDEX IF NOT EXISTS logs_path ON logs(path);
        CREATE INDEX IF NOT EXISTS logs_jail_path ON logs(jail, path);
        CREATE TABLE IF NOT EXISTS bans(jail TEXT NOT NULL, ip TEXT, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL default 1, data JSON, FOREIGN KEY(jail) REFERENCES jails(name) );
        CREATE INDEX IF NOT EXISTS bans_jail_timeofban_ip ON bans(jail, timeofban);
        CREATE INDEX IF NOT EXISTS bans_jail_ip ON bans(jail, ip);
        CREATE INDEX IF NOT EXISTS bans_ip ON bans(ip);
        CREATE TABLE IF NOT EXISTS bips(ip TEXT NOT NULL, jail TEXT NOT NULL, timeofban INTEGER NOT NULL, bantime INTEGER NOT NULL, bancount INTEGER NOT NULL default 1, data JSON, PRIMARY KEY(ip, jail), FOREIGN KEY(jail) REFERENCES jails(name) );
        CREATE INDEX IF NOT EXISTS bips_timeofban ON bips(timeofban);
        CREATE INDEX IF NOT EXISTS bips_ip ON bips(ip);
        INSERT INTO fail2banDb(version) VALUES(4);
        """

    /// Writes `results` to a new database at `path` (built beside it, then renamed).
    /// - Parameter timeOfBan: when the bans start: nil keeps each ban's own time (from
    ///   the logs); a time (usually now) makes them fresh, so that fail2ban restores them.
    public static func write(_ results: [JailResult], to path: String, timeOfBan: Int?, activeAt: Int?) throws(WriteError) {
        let temporary = path + ".failscan-\(getpid())"
        unlink(temporary)
        TemporaryFiles.begin([temporary, temporary + "-journal"])
        defer { TemporaryFiles.done() }
        var db: OpaquePointer?
        guard sqlite3_open(temporary, &db) == SQLITE_OK, let db else {
            throw WriteError(path: path, message: "cannot create the database")
        }
        var failure: WriteError? = nil
        func exec(_ sql: String) {
            guard failure == nil else { return }
            var message: UnsafeMutablePointer<CChar>?
            if sqlite3_exec(db, sql, nil, nil, &message) != SQLITE_OK {
                failure = WriteError(path: path, message: message.map { String(cString: $0) } ?? "SQLite error")
                sqlite3_free(message)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        exec(schema)
        exec("BEGIN;")
        for result in results {
            insert(db, "INSERT OR IGNORE INTO jails(name, enabled) VALUES(?, 1);", [.text(result.jail.name)], &failure, path)
            for log in logPositions(result) {
                insert(
                    db, "INSERT OR REPLACE INTO logs(jail, path, firstlinemd5, lastfilepos) VALUES(?, ?, ?, ?);",
                    [.text(result.jail.name), .text(log.path), .text(log.firstLineHash), .int(log.position)], &failure, path)
            }
            let active = Set(result.banned(ipv6: false, activeAt: activeAt) + result.banned(ipv6: true, activeAt: activeAt))
            for record in result.records where record.banned {
                guard let address = record.id.address, active.contains(address) else { continue }
                let start = timeOfBan ?? record.bans.last!
                // The last ban as it stands after prolongations (a server started on the
                // database restores it until then).
                let end = record.banEnds.last!
                let banTime = timeOfBan != nil || result.jail.banTime < 0 || end == Int.max ? result.jail.banTime : end - start
                let data = BanData(failures: record.failures, failscan: .init(first: record.first, last: record.last, bans: record.bans))
                let json = String(decoding: (try? encoder.encode(data)) ?? Data(), as: UTF8.self)
                let values: [SQLValue] = [
                    .text(result.jail.name), .text(address.description), .int(start), .int(banTime), .int(record.bans.count),
                    .text(json),
                ]
                insert(
                    db, "INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES(?, ?, ?, ?, ?, ?);", values, &failure, path)
                insert(
                    db, "INSERT OR REPLACE INTO bips(jail, ip, timeofban, bantime, bancount, data) VALUES(?, ?, ?, ?, ?, ?);", values,
                    &failure, path)
            }
        }
        exec("COMMIT;")
        sqlite3_close(db)
        if failure == nil, rename(temporary, path) != 0 {
            failure = WriteError(path: path, message: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Where a fail2ban-server should carry on in each file it watches for the jail (the
    /// files its `logpath` names, plain ones: fail2ban reads no compressed log): the hash of
    /// the first line with its newline (empty when the first line is incomplete), as
    /// `FileContainer` computes it (``SHA1``), and the offset after the last complete line
    /// failscan read. A server started on the database then neither reads those lines again nor
    /// counts their failures twice.
    static func logPositions(_ result: JailResult) -> [(path: String, firstLineHash: String, position: Int)] {
        let watched = Set(result.jail.logPatterns.flatMap { Glob.expand($0) })
        var positions: [(path: String, firstLineHash: String, position: Int)] = []
        for file in result.logFiles where file.opened && file.compression == .none && watched.contains(file.path) {
            guard let md5 = firstLineHash(file.path) else { continue }
            positions.append((file.path, md5, file.bytes - file.unterminatedBytes))
        }
        return positions
    }

    /// The hash of a file's first line with its `\n`; "" when the file has no complete first
    /// line; nil when it cannot be read.
    static func firstLineHash(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while line.count < 16 << 20 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return "" }
            if let newline = buffer[..<n].firstIndex(of: 10) {
                line += buffer[...newline]
                return SHA1.hexDigest(line)
            }
            line += buffer[..<n]
        }
        return ""
    }

    enum SQLValue {
        case text(String)
        case int(Int)
    }

    /// The ban's `data` column: fail2ban reads `failures`; failscan adds what it saw.
    struct BanData: Encodable {
        var failures: Int
        var failscan: Seen

        struct Seen: Encodable {
            var first: Int
            var last: Int
            var bans: [Int]
        }
    }

    static func insert(_ db: OpaquePointer, _ sql: String, _ values: [SQLValue], _ failure: inout WriteError?, _ path: String) {
        guard failure == nil else { return }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            failure = WriteError(path: path, message: String(cString: sqlite3_errmsg(db)))
            return
        }
        defer { sqlite3_finalize(statement) }
        for (index, value) in values.enumerated() {
            switch value {
            case .text(let text): sqlite3_bind_text(statement, Int32(index + 1), text, -1, csqlite_transient())
            case .int(let number): sqlite3_bind_int64(statement, Int32(index + 1), sqlite3_int64(number))
            }
        }
        if sqlite3_step(statement) != SQLITE_DONE {
            failure = WriteError(path: path, message: String(cString: sqlite3_errmsg(db)))
        }
    }
}
