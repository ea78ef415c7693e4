import Analyzer
import CSQLite
import Fail2banConfig
import Foundation
import LogSource
import OutputBasics

/// Writes a fail2ban 1.0 database (schema version 4: `fail2banDb`, `jails`, `logs`,
/// `bans`, `bips`) holding failscan's bans, so that a fail2ban-server started on it
/// restores them: the bulk preload. An existing fail2ban database is merged into, through
/// SQLite (``SQLiteTarget``), never replaced.
///
/// Corresponds to the `_CREATE_SCRIPTS` and `addBan` of fail2ban's `server/database.py`
/// (same tables, columns and indexes; read from the installed package, not copied).
package final class Fail2banDatabaseWriter: OutputWriter {
    let settings: OutputSettings

    package init(_ settings: OutputSettings) { self.settings = settings }

    /// Merges the outcome into the database fail2ban would have had at the handoff: with
    /// `--active-at`, that time in the logs' own times; else the last failure the logs hold,
    /// every time moved by as much as it lies before ``OutputSettings/now`` (so that a
    /// server started now carries on as if the logs had just ended).
    package func finish(_ outcome: JailReplay.Outcome) throws(OutputError) {
        guard let path = settings.path else { throw .write(WriteError(path: "-", reason: "a database is written to a file")) }
        let handoff = FirewallTime.chosen(settings, outcome.results).activeAt ?? settings.now
        do {
            try Self.write(
                outcome.results, to: path, handoff: handoff, shift: settings.activeAt == nil ? settings.now - handoff : 0,
                database: settings.database, root: settings.root)
        } catch {
            throw .write(error)
        }
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

    /// The tables of a fail2ban database.
    static let tables: Set<String> = ["fail2banDb", "jails", "logs", "bans", "bips"]

    /// Writes `results` into the fail2ban database at `path`: a new one is created; an
    /// existing one of fail2ban's schema version 4 is merged into, in one transaction
    /// under its lock (other jails, their bans and ban counts stay; failscan's rows replace
    /// the same rows of an earlier run); anything else is refused unless
    /// `database.replace`.
    ///
    /// Each ban that started by `handoff` is a row of `bans` (its number in `bancount`, the
    /// history bantime.increment counts), the latest of each address a row of `bips` (what
    /// a server restores), with the `timeofban` and `bantime` that make fail2ban restore it
    /// until its real end: without bantime.increment fail2ban restores `timeofban` plus the
    /// jail's bantime, so a prolonged ban's `timeofban` is its end less the bantime; with it,
    /// the ban's own start and length (incremented and prolonged).
    /// - Parameters:
    ///   - handoff: the time the database stands at (bans that start later are left out).
    ///   - shift: seconds added to every ban time (the handoff moved to now).
    ///   - root: the system the logs belong to (`--root`): each log's row names it by its
    ///     path there.
    /// - Throws: `WriteError` naming the file and why; the file is left as it was then.
    package static func write(
        _ results: [JailResult], to path: String, handoff: Int, shift: Int = 0, database: DatabaseOptions = DatabaseOptions(),
        root: FileRoot? = nil
    ) throws(WriteError) {
        let target = try SQLiteTarget.open(path, lockTimeout: database.lockTimeout, replaceNonDatabase: database.replace)
        switch target.found {
        case .new, .empty, .notADatabase:
            try target.exec(schema)
        case .tables(let tables):
            let version =
                tables.isSuperset(of: Self.tables) ? try? target.rows("SELECT max(version) FROM fail2banDb;").first?.first ?? nil : nil
            if version == "4" { break }
            guard database.replace else {
                let what =
                    version.map { "a fail2ban database of schema version \($0) (failscan writes version 4)" }
                    ?? "tables failscan does not write (\(tables.sorted().prefix(8).joined(separator: ", ")))"
                throw WriteError(path: path, reason: "holds \(what), which failscan would drop: nothing written (--replace replaces it)")
            }
            try target.dropEverything()
            try target.exec(schema)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for result in results {
            try target.run("INSERT OR IGNORE INTO jails(name, enabled) VALUES(?, 1);", [.text(result.jail.name)])
            for log in logPositions(result, root: root) {
                try target.run(
                    "INSERT OR REPLACE INTO logs(jail, path, firstlinemd5, lastfilepos) VALUES(?, ?, ?, ?);",
                    [.text(result.jail.name), .text(log.path), .text(log.firstLineHash), .int(log.position)])
            }
            // A journal's position, as fail2ban's systemd backend keeps it: the row
            // `systemd-journal`, the last entry's date text and time; a server started on
            // the database reads the journal on from there.
            if let end = result.logFiles.compactMap(\.journalEnd).max(by: { $0.microseconds < $1.microseconds }) {
                try target.run(
                    "INSERT OR REPLACE INTO logs(jail, path, firstlinemd5, lastfilepos) VALUES(?, 'systemd-journal', ?, ?);",
                    [.text(result.jail.name), .text(end.dateText), .real(Double(end.microseconds) / 1e6)])
            }
            let increment = result.jail.banTimeIncrement != nil
            let jailBanTime = result.jail.banTime
            for record in result.records where record.banned {
                guard let address = record.id.address else { continue }
                let bans = Array(zip(record.bans, record.banEnds).filter { $0.0 <= handoff })
                guard !bans.isEmpty else { continue }
                let jail = SQLValue.text(result.jail.name), ip = SQLValue.text(address.description)
                // failscan's rows of an earlier run over the same logs are replaced.
                try target.run("DELETE FROM bans WHERE jail = ? AND ip = ? AND data LIKE '%\"failscan\":{%';", [jail, ip])
                var latest: (time: Int, banTime: Int, count: Int, data: String)? = nil
                for (index, (start, end)) in bans.enumerated() {
                    let (time, banTime): (Int, Int)
                    if end == Int.max || jailBanTime < 0 {
                        (time, banTime) = (start, -1)
                    } else if increment {
                        (time, banTime) = (start, end - start)
                    } else {
                        (time, banTime) = (end - jailBanTime, jailBanTime)
                    }
                    let data = BanData(
                        failures: record.failures,
                        failscan: .init(first: record.first, last: record.last, bans: record.bans, ban: index + 1))
                    let json = String(decoding: (try? encoder.encode(data)) ?? Data(), as: UTF8.self)
                    // The same ban as fail2ban itself recorded it (a running server's database): one row.
                    try target.run("DELETE FROM bans WHERE jail = ? AND ip = ? AND timeofban = ?;", [jail, ip, .int(time + shift)])
                    try target.run(
                        "INSERT INTO bans(jail, ip, timeofban, bantime, bancount, data) VALUES(?, ?, ?, ?, ?, ?);",
                        [jail, ip, .int(time + shift), .int(banTime), .int(index + 1), .text(json)])
                    latest = (time + shift, banTime, index + 1, json)
                }
                guard let latest else { continue }
                // bips holds an address's latest ban in a jail: a later one fail2ban already
                // holds stays, and a ban count it holds is not lowered.
                try target.run(
                    """
                    INSERT INTO bips(jail, ip, timeofban, bantime, bancount, data) VALUES(?, ?, ?, ?, ?, ?)
                    ON CONFLICT(ip, jail) DO UPDATE SET timeofban = excluded.timeofban, bantime = excluded.bantime,
                    bancount = max(bips.bancount, excluded.bancount), data = excluded.data WHERE excluded.timeofban >= bips.timeofban;
                    """,
                    [jail, ip, .int(latest.time), .int(latest.banTime), .int(latest.count), .text(latest.data)])
            }
        }
        try target.commit()
    }

    /// Where a fail2ban-server should carry on in each file it watches for the jail (the
    /// files its `logpath` names, plain ones: fail2ban reads no compressed log): the hash of
    /// the first line with its newline (empty when the first line is incomplete), as
    /// `FileContainer` computes it (``SHA1``), and the offset after the last complete line
    /// failscan read. A server started on the database then neither reads those lines again nor
    /// counts their failures twice.
    static func logPositions(_ result: JailResult, root: FileRoot? = nil) -> [(path: String, firstLineHash: String, position: Int)] {
        let watched = Set(result.jail.logPatterns.flatMap { root?.expand($0) ?? Glob.expand($0) })
        var positions: [(path: String, firstLineHash: String, position: Int)] = []
        for file in result.logFiles where file.opened && file.compression == .none && watched.contains(file.path) {
            // From the scan; a reduce's files were read by the maps, whose ledgers do not
            // carry it: those are read again where they are.
            guard let md5 = file.firstLineHash ?? firstLineHash(file.path) else { continue }
            positions.append((root?.systemPath(file.path) ?? file.path, md5, file.bytes - file.unterminatedBytes))
        }
        return positions
    }

    /// The hash of a file's first line with its `\n`; "" when the file has no complete first
    /// line; nil when it cannot be read.
    static func firstLineHash(_ path: String) -> String? {
        guard let reader = try? LogReader(.file(path), keepsUnterminatedLine: true) else { return nil }
        try? reader.forEachChunk { _ in !reader.firstLineRead }
        return reader.firstLineHash
    }

    /// How an existing database is treated.
    package struct DatabaseOptions: Sendable {
        /// Seconds to wait for another writer's lock.
        package var lockTimeout: Double
        /// Replace a database failscan would otherwise refuse to change (another schema,
        /// other tables, a file that is no database).
        package var replace: Bool

        package init(lockTimeout: Double = 10, replace: Bool = false) {
            self.lockTimeout = lockTimeout
            self.replace = replace
        }
    }

    enum SQLValue {
        case text(String)
        case int(Int)
        case real(Double)
    }

    /// The ban's `data` column: fail2ban reads `failures`; failscan adds what it saw.
    struct BanData: Encodable {
        var failures: Int
        var failscan: Seen

        struct Seen: Encodable {
            var first: Int
            var last: Int
            var bans: [Int]
            /// Which of `bans` the row is (1-based).
            var ban: Int
        }
    }
}
