import Analyzer

/// One output kind, as each of ripgrep's printers implements one `Sink`: told the jails
/// before the scan, handed every counted failure when it asks for them, and the outcome at
/// the end. ``OutputFormat/writer(_:)`` picks the implementation; a new format is a new
/// conformance and a case there, nothing outside `Output`.
package protocol OutputWriter: AnyObject {
    /// Whether ``add(jail:failure:file:)`` wants every counted failure (the scan then keeps
    /// each failure's user and line).
    var wantsFailures: Bool { get }

    /// Before the scan: the jails' names in the order their failures are numbered, and the
    /// files they read in reading order. A writer that must fail early (a database it may
    /// not change) throws here, before anything is read.
    func begin(jails: [String], files: [String]) throws(OutputError)

    /// One counted failure of jail number `jail`, from `file` (nil: fed by the replay's
    /// bans, not read from a file).
    func add(jail: Int, failure: Failure, file: String?)

    /// After the scan: writes what the outcome says, to its file or standard output.
    func finish(_ outcome: JailReplay.Outcome) throws(OutputError)
}

extension OutputWriter {
    package var wantsFailures: Bool { false }
    package func begin(jails: [String], files: [String]) throws(OutputError) {}
    package func add(jail: Int, failure: Failure, file: String?) {}
}
