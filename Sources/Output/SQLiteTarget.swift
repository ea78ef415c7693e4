import CSQLite
import LogSource
import OutputBasics

#if canImport(Glibc)
    import Glibc
#endif

/// A database output, opened as SQLite's other users expect: an existing database is
/// changed in one SQLite transaction on the file itself (its rollback journal or WAL
/// applies, its lock is taken with a timeout, its readers see the old or the new content),
/// never replaced by renaming another file over it; a new one is built in a temporary file
/// and linked into place only if nothing appeared there meanwhile.
///
/// What the file holds decides what may be done with it (``found``); the writers
/// (``Fail2banDatabaseWriter``, ``SQLiteReport``) merge, replace their own, or refuse.
final class SQLiteTarget {
    /// What the output held when it was opened.
    enum Found: Equatable {
        /// Nothing: a new database is being built.
        case new
        /// A database without tables (or an empty file).
        case empty
        /// A database with these tables (`sqlite_` tables left out).
        case tables(Set<String>)
        /// A file that is not an SQLite database.
        case notADatabase
    }

    let output: OutputPath
    /// The file written, for messages.
    var path: String { output.given }
    private(set) var db: OpaquePointer?
    private(set) var found: Found
    /// The temporary file a new database is built in (nil when changing an existing one).
    let temporary: String?
    /// Whether the transaction was begun.
    private var open = true

    private init(output: OutputPath, db: OpaquePointer, found: Found, temporary: String?) {
        self.output = output
        self.db = db
        self.found = found
        self.temporary = temporary
    }

    /// Opens the database at `given` for writing and begins a write transaction.
    /// - Parameters:
    ///   - lockTimeout: seconds to wait for another writer's lock.
    ///   - replaceNonDatabase: a file that is not a database may be replaced (`--replace`).
    /// - Throws: `WriteError` naming the file: a link not followed,
    ///   sidecar files without their database, a lock held past the timeout (and by whom),
    ///   a file that is not a database, SQLite's own errors.
    static func open(_ given: String, lockTimeout: Double, replaceNonDatabase: Bool) throws(WriteError)
        -> SQLiteTarget
    {
        let output: OutputPath
        do { output = try OutputPath.resolve(given) } catch { throw .init(path: given, reason: error.description) }
        if output.isDirectory { throw .init(path: given, reason: "is a directory") }
        if output.exists && !output.isRegularFile {
            throw .init(path: given, reason: "is not a regular file: a database is written to a file")
        }
        let sidecars = ["-wal", "-journal"].filter { access(output.path + $0, F_OK) == 0 }
        if !output.exists {
            if let sidecar = sidecars.first {
                throw .init(
                    path: given,
                    reason:
                        "\(output.path)\(sidecar) is there without its database: SQLite would apply it to the new file; remove it if it is stale, or write elsewhere"
                )
            }
            return try create(output)
        }
        var db: OpaquePointer?
        guard sqlite3_open_v2(output.path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw .init(path: given, reason: message)
        }
        sqlite3_busy_timeout(db, Int32(min(lockTimeout * 1000, Double(Int32.max))))
        let begin = sqlite3_exec(db, "BEGIN IMMEDIATE;", nil, nil, nil)
        if begin == SQLITE_NOTADB {
            sqlite3_close(db)
            guard replaceNonDatabase else {
                throw .init(path: given, reason: "is not an SQLite database; refusing to replace it (--replace does)")
            }
            if let sidecar = sidecars.first {
                throw .init(path: given, reason: "is not an SQLite database but \(output.path)\(sidecar) is there: not replaced")
            }
            return try create(output, found: .notADatabase)
        }
        guard begin == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_close(db)
            if begin == SQLITE_BUSY || begin == SQLITE_LOCKED {
                let holders = Self.lockHolders(output.path)
                throw .init(
                    path: given,
                    reason:
                        "locked by another writer\(holders.isEmpty ? "" : ", \(holders.joined(separator: ", ")),") for \(Self.seconds(lockTimeout)) s; nothing written (--lock-timeout waits longer)"
                )
            }
            throw .init(path: given, reason: message)
        }
        let target = SQLiteTarget(output: output, db: db, found: .empty, temporary: nil)
        let tables = Set(try target.objects(["table"]).map(\.name))
        if !tables.isEmpty { target.found = .tables(tables) }
        return target
    }

    /// A new database in a temporary file beside the output.
    private static func create(_ output: OutputPath, found: Found = .new) throws(WriteError) -> SQLiteTarget {
        let made: (fd: Int32, path: String)
        do {
            made = try output.makeTemporary(companions: ["-journal"])
        } catch {
            throw .init(path: output.given, reason: error.description)
        }
        do {
            // A new database gets the umask's mode; one replacing a file keeps its mode and owner.
            try output.settle(made.fd)
        } catch {
            close(made.fd)
            unlink(made.path)
            TemporaryFiles.done()
            throw .init(path: output.given, reason: error.description)
        }
        close(made.fd)
        var db: OpaquePointer?
        guard sqlite3_open_v2(made.path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            sqlite3_close(db)
            unlink(made.path)
            TemporaryFiles.done()
            throw .init(path: output.given, reason: "cannot create the database")
        }
        let target = SQLiteTarget(output: output, db: db, found: found, temporary: made.path)
        guard sqlite3_exec(db, "BEGIN;", nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            target.abandon()
            throw .init(path: output.given, reason: message)
        }
        return target
    }

    deinit { abandon() }

    /// Runs `sql`.
    /// - Throws: SQLite's message, naming the file.
    func exec(_ sql: String) throws(WriteError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "SQLite error"
            sqlite3_free(message)
            throw .init(path: path, reason: text)
        }
    }

    /// Runs a query and returns its rows as text (NULL as nil).
    func rows(_ sql: String, _ values: [Fail2banDatabaseWriter.SQLValue?] = []) throws(WriteError) -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw error() }
        defer { sqlite3_finalize(statement) }
        bind(statement, values)
        var result: [[String?]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return result }
            guard rc == SQLITE_ROW else { throw error() }
            result.append(
                (0..<sqlite3_column_count(statement)).map { column in
                    sqlite3_column_text(statement, column).map { String(cString: $0) }
                })
        }
    }

    /// Runs one statement with `values` bound.
    func run(_ sql: String, _ values: [Fail2banDatabaseWriter.SQLValue?]) throws(WriteError) {
        _ = try rows(sql, values)
    }

    func bind(_ statement: OpaquePointer?, _ values: [Fail2banDatabaseWriter.SQLValue?]) {
        for (index, value) in values.enumerated() {
            switch value {
            case .text(let text)?: sqlite3_bind_text(statement, Int32(index + 1), text, -1, csqlite_transient())
            case .int(let number)?: sqlite3_bind_int64(statement, Int32(index + 1), sqlite3_int64(number))
            case .real(let number)?: sqlite3_bind_double(statement, Int32(index + 1), number)
            case nil: sqlite3_bind_null(statement, Int32(index + 1))
            }
        }
    }

    /// SQLite's last message as an error naming the file.
    func error() -> WriteError {
        .init(path: path, reason: db.map { String(cString: sqlite3_errmsg($0)) } ?? "closed")
    }

    /// The tables (or other `types`) the database holds, SQLite's own left out.
    func objects(_ types: [String]) throws(WriteError) -> [(type: String, name: String)] {
        let list = types.map { "'\($0)'" }.joined(separator: ", ")
        return try rows("SELECT type, name FROM sqlite_master WHERE type IN (\(list)) AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\';")
            .compactMap { row in row[0].flatMap { type in row[1].map { (type, $0) } } }
    }

    /// Drops every table and view (for a database replaced as a whole, inside the
    /// transaction: readers see the old content until the commit).
    func dropEverything() throws(WriteError) {
        for object in try objects(["table", "view"]) {
            let quoted = "\"" + object.name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            try exec("DROP \(object.type == "view" ? "VIEW" : "TABLE") IF EXISTS \(quoted);")
        }
    }

    /// Commits, and puts a new database in place.
    /// - Throws: SQLite's error (the transaction rolled back), or a file that appeared at
    ///   the output while a new database was built (left as it is).
    func commit() throws(WriteError) {
        try exec("COMMIT;")
        open = false
        guard let temporary else {
            sqlite3_close(db)
            db = nil
            return
        }
        sqlite3_close(db)
        db = nil
        defer {
            unlink(temporary)
            TemporaryFiles.done()
        }
        let fd = Glibc.open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        if found == .notADatabase {
            guard rename(temporary, output.path) == 0 else {
                throw .init(path: path, reason: "cannot rename into place: \(String(cString: strerror(errno)))")
            }
            return
        }
        // link(2) never replaces: a file that another process created meanwhile stays.
        guard link(temporary, output.path) == 0 else {
            let reason = errno == EEXIST ? "was created by another process meanwhile; left as it is" : String(cString: strerror(errno))
            throw .init(path: path, reason: "cannot put the new database in place: \(reason)")
        }
    }

    /// Rolls back and closes; a new database's temporary file is removed.
    func abandon() {
        if open, let db { sqlite3_exec(db, "ROLLBACK;", nil, nil, nil) }
        open = false
        sqlite3_close(db)
        db = nil
        if let temporary {
            unlink(temporary)
            unlink(temporary + "-journal")
            TemporaryFiles.done()
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The processes holding POSIX locks on the database or its WAL index (from
    /// `/proc/locks`), as `pid 1234 (fail2ban-server)`.
    static func lockHolders(_ path: String) -> [String] {
        var inodes = Set<String>()
        var numbers = Set<String>()
        for file in [path, path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0 else { continue }
            let major = (info.st_dev >> 8) & 0xfff | (info.st_dev >> 32) & ~0xfff
            let minor = info.st_dev & 0xff | (info.st_dev >> 12) & ~0xff
            inodes.insert("\(String(major, radix: 16).leftPadded(to: 2)):\(String(minor, radix: 16).leftPadded(to: 2)):\(info.st_ino)")
            numbers.insert(String(info.st_ino))
        }
        guard let text = readSmallFile("/proc/locks") else { return [] }
        // "1: POSIX  ADVISORY  WRITE 1234 08:01:131 0 EOF", or with "->" for a waiter. On
        // an overlay the device there is the lower file system's: then the inode alone.
        let locks = text.split(separator: "\n").map { $0.split(separator: " ") }.filter { !$0.contains("->") && $0.count >= 6 }
        func holders(_ matches: (Substring) -> Bool) -> [Int32] {
            var pids: [Int32] = []
            for fields in locks where matches(fields[5]) {
                if let pid = Int32(fields[4]), pid > 0, !pids.contains(pid) { pids.append(pid) }
            }
            return pids
        }
        var pids = holders { inodes.contains(String($0)) }
        if pids.isEmpty { pids = holders { numbers.contains(String($0.split(separator: ":").last ?? "")) } }
        return pids.map { pid in
            let name = readSmallFile("/proc/\(pid)/comm")?.split(separator: "\n").first.map(String.init)
            return "pid \(pid)" + (name.map { " (\($0))" } ?? "")
        }
    }

    static func readSmallFile(_ path: String) -> String? {
        FileDescriptor.contents(of: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
