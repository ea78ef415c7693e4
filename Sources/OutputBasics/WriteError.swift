#if canImport(Glibc)
    import Glibc
#endif

/// Why an output could not be written, naming the file: the one error every writer throws
/// (a file replaced atomically, a database changed through SQLite, a ledger).
package struct WriteError: Error, Sendable, CustomStringConvertible {
    /// The file as it was named.
    package let path: String
    /// What went wrong, as the message after the path says it.
    package let reason: String

    package var description: String { "\(path): \(reason)" }

    /// A failure of the system call behind `action` ("create a temporary file").
    package init(path: String, errno: Int32, action: String) {
        self.init(path: path, reason: "cannot \(action): \(String(cString: strerror(errno)))")
    }

    /// A failure said in words (SQLite's message, a refusal).
    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
