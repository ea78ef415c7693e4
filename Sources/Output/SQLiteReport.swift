import Analyzer
import CSQLite
import Fail2banConfig
import OutputBasics

/// failscan's forensic database (`--format sqlite`): every failure (time, address, jail,
/// failregex, user, file, line) and every ban, for sqlite3 or DuckDB. Failures go in as
/// the replay finds them, in one transaction. A new database is built beside its
/// destination and linked into place when complete; an earlier report of the same jails
/// is replaced inside one SQLite transaction on the file itself (its lock taken, readers
/// seeing the old report until the commit); any other database is refused unless
/// replacing it is asked for.
package final class SQLiteReport {
    /// The tables, as documented in the README.
    package static let schema = """
        CREATE TABLE jails(name TEXT PRIMARY KEY, filter TEXT NOT NULL, maxretry INTEGER NOT NULL, findtime INTEGER NOT NULL, bantime INTEGER NOT NULL);
        CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
        CREATE TABLE failures(time INTEGER NOT NULL, ip TEXT NOT NULL, jail TEXT NOT NULL, failregex INTEGER NOT NULL, user TEXT, file INTEGER REFERENCES files(id), line INTEGER);
        CREATE TABLE bans(jail TEXT NOT NULL, ip TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER, failures INTEGER NOT NULL);
        """

    /// The tables of a failscan report.
    static let tables: Set<String> = ["jails", "files", "failures", "bans"]

    let path: String
    let target: SQLiteTarget
    var db: OpaquePointer? { target.db }
    var insertFailure: OpaquePointer?
    var fileIDs: [String: Int] = [:]
    var error: WriteError? = nil

    /// Starts a report of `jails` at `path` (put in place by ``finish(_:)``).
    /// - Throws: `WriteError` naming the file: a database that is not an earlier report of
    ///   these jails (unless `database.replace`), a lock held too long, SQLite's errors.
    package init(
        path: String, jails: [String], database: Fail2banDatabaseWriter.DatabaseOptions = .init()
    ) throws(WriteError) {
        self.path = path
        target = try SQLiteTarget.open(path, lockTimeout: database.lockTimeout, replaceNonDatabase: database.replace)
        if case .tables(let tables) = target.found {
            let earlier = tables == Self.tables ? (try? target.rows("SELECT name FROM jails;"))?.compactMap { $0.first ?? nil } : nil
            let dropped = earlier.map { Set($0).subtracting(jails).sorted() }
            if !database.replace {
                guard let dropped else {
                    throw .init(
                        path: path,
                        reason:
                            "holds tables of another database (\(tables.sorted().prefix(8).joined(separator: ", "))), which failscan would drop: nothing written (--replace replaces it)"
                    )
                }
                guard dropped.isEmpty else {
                    throw .init(
                        path: path,
                        reason:
                            "is a failscan report with other jails (\(dropped.prefix(8).joined(separator: ", "))); this run would drop them: nothing written (--replace replaces it)"
                    )
                }
            }
            try target.dropEverything()
        }
        exec(Self.schema)
        if sqlite3_prepare_v2(
            db, "INSERT INTO failures(time, ip, jail, failregex, user, file, line) VALUES(?, ?, ?, ?, ?, ?, ?);", -1, &insertFailure, nil)
            != SQLITE_OK
        {
            fail()
        }
        if let error { throw error }
    }

    deinit {
        sqlite3_finalize(insertFailure)
    }

    func fail() {
        if error == nil { error = .init(path: path, reason: String(cString: sqlite3_errmsg(db))) }
    }

    /// Runs `sql` unless an earlier step failed; the first failure is kept for ``finish(_:)``.
    func exec(_ sql: String) { record { () throws(WriteError) in try target.exec(sql) } }

    /// Runs `body` unless an earlier step failed, keeping its failure (failures are
    /// recorded as they go in and reported once, at the end).
    func record(_ body: () throws(WriteError) -> Void) {
        guard error == nil else { return }
        do { try body() } catch { self.error = error }
    }

    /// Numbers the files in this order (a scan's reading order), so that a file's id does
    /// not depend on which thread's failure came first.
    package func register(files: [String]) {
        for file in files { _ = fileID(file) }
    }

    /// Records one failure of `jail` read from `file` (nil: not from a file).
    package func add(jail: String, failure: Failure, file: String?) {
        guard error == nil, let statement = insertFailure else { return }
        sqlite3_reset(statement)
        sqlite3_bind_int64(statement, 1, sqlite3_int64(failure.time))
        sqlite3_bind_text(statement, 2, failure.id.description, -1, csqlite_transient())
        sqlite3_bind_text(statement, 3, jail, -1, csqlite_transient())
        sqlite3_bind_int64(statement, 4, sqlite3_int64(failure.failregex + 1))
        if let user = failure.fields?["user"], !user.isEmpty {
            sqlite3_bind_text(statement, 5, user, -1, csqlite_transient())
        } else {
            sqlite3_bind_null(statement, 5)
        }
        if let file {
            sqlite3_bind_int64(statement, 6, sqlite3_int64(fileID(file)))
            sqlite3_bind_int64(statement, 7, sqlite3_int64(failure.line))
        } else {
            sqlite3_bind_null(statement, 6)
            sqlite3_bind_null(statement, 7)
        }
        if sqlite3_step(statement) != SQLITE_DONE { fail() }
    }

    func fileID(_ file: String) -> Int {
        if let id = fileIDs[file] { return id }
        let id = fileIDs.count + 1
        fileIDs[file] = id
        insert("INSERT INTO files(id, path) VALUES(?, ?);", [.int(id), .text(file)])
        return id
    }

    func insert(_ sql: String, _ values: [Fail2banDatabaseWriter.SQLValue?]) {
        record { () throws(WriteError) in try target.run(sql, values) }
    }

    /// Adds the jails and their bans, indexes, commits, and puts a new file in place.
    /// - Throws: the first database error, naming the file (nothing is left behind).
    package func finish(_ results: [JailResult]) throws(WriteError) {
        for result in results {
            let jail = result.jail
            insert(
                "INSERT OR REPLACE INTO jails(name, filter, maxretry, findtime, bantime) VALUES(?, ?, ?, ?, ?);",
                [.text(jail.name), .text(jail.filter), .int(jail.maxRetry), .int(jail.findTime), .int(jail.banTime)])
            for record in result.records {
                for (start, end) in zip(record.bans, record.banEnds) {
                    insert(
                        #"INSERT INTO bans(jail, ip, start, "end", failures) VALUES(?, ?, ?, ?, ?);"#,
                        [
                            .text(jail.name), .text(record.id.description), .int(start), end == Int.max ? nil : .int(end),
                            .int(record.failures),
                        ])
                }
            }
        }
        exec(
            "CREATE INDEX failures_ip ON failures(ip); CREATE INDEX failures_jail_time ON failures(jail, time); CREATE INDEX bans_ip ON bans(ip);"
        )
        sqlite3_finalize(insertFailure)
        insertFailure = nil
        if let error {
            target.abandon()
            throw error
        }
        try target.commit()
    }
}
