import Analyzer
import OutputBasics

/// The writer of `--format sqlite`: opens the report (``SQLiteReport``) before the scan, so
/// that a database it may not change is refused before anything is read, takes every
/// failure, and adds the bans at the end.
package final class SQLiteWriter: OutputWriter {
    let settings: OutputSettings
    var report: SQLiteReport? = nil

    package init(_ settings: OutputSettings) { self.settings = settings }

    package var wantsFailures: Bool { true }

    package func begin(jails: [String], files: [String]) throws(OutputError) {
        guard let path = settings.path else { throw .write(WriteError(path: "-", reason: "a database is written to a file")) }
        do { report = try SQLiteReport(path: path, jails: jails, database: settings.database) } catch { throw .write(error) }
        var seen = Set<String>()
        report?.register(files: files.filter { seen.insert($0).inserted })
        self.jails = jails
    }

    var jails: [String] = []

    package func add(jail: Int, failure: Failure, file: String?) {
        report?.add(jail: jails[jail], failure: failure, file: file)
    }

    package func finish(_ outcome: JailReplay.Outcome) throws(OutputError) {
        do { try report?.finish(outcome.results) } catch { throw .write(error) }
    }
}
