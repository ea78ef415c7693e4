import OutputBasics

/// Why an output was not written: its values do not fit the format (a firewall file's
/// port or protocol, colliding names), or the file could not be written.
package enum OutputError: Error, Sendable, CustomStringConvertible {
    /// The results do not fit the format (a bad configuration).
    case firewall(FirewallError)
    /// The file or database could not be written.
    case write(WriteError)

    package var description: String {
        switch self {
        case .firewall(let error): error.description
        case .write(let error): error.description
        }
    }
}
