import Fail2banConfig

/// A filter that cannot be used: not found, not readable as fail2ban configuration, a
/// regex that does not compile, a bad date pattern or time zone. Names the file (or the
/// spec as given) and the reason.
package struct FilterError: Error, Sendable, CustomStringConvertible {
    /// The filter file, or the spec as given when no file was found.
    package let file: String
    package let reason: String

    package init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    init(_ error: ConfigError, spec: String) {
        file = error.file ?? spec
        reason = error.line.map { "line \($0): \(error.reason)" } ?? error.reason
    }

    package var description: String { "\(file): \(reason)" }
}
