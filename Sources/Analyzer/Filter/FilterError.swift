import Fail2banConfig

/// A filter that cannot be used: not found, not readable as fail2ban configuration, a
/// regex that does not compile, a bad date pattern or time zone. Names the file (or the
/// spec as given) and the reason.
public struct FilterError: Error, Sendable, CustomStringConvertible {
    /// The filter file, or the spec as given when no file was found.
    public let file: String
    public let reason: String

    public init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    init(_ error: ConfigError, spec: String) {
        file = error.file ?? spec
        reason = error.line.map { "line \($0): \(error.reason)" } ?? error.reason
    }

    public var description: String { "\(file): \(reason)" }
}
