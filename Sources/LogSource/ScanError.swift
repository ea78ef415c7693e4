/// A problem reading one input file. Collected as a warning; the scan goes on.
///
/// Its description reads like `mail.log.2.gz: truncated gzip member at byte 81234`.
public struct ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Equatable, CustomStringConvertible {
        enum Kind: Sendable, Equatable { case open, read, corrupt, truncated, trailingGarbage, unsupportedCompression, lineTooLong }
        let kind: Kind
        public static let open = Code(kind: .open)
        public static let read = Code(kind: .read)
        /// Corrupt compressed data.
        public static let corrupt = Code(kind: .corrupt)
        /// The compressed data ends in the middle of a member.
        public static let truncated = Code(kind: .truncated)
        /// Bytes after the last member that do not start another.
        public static let trailingGarbage = Code(kind: .trailingGarbage)
        public static let unsupportedCompression = Code(kind: .unsupportedCompression)
        public static let lineTooLong = Code(kind: .lineTooLong)
        public var description: String { "\(kind)" }
    }

    public let code: Code
    public let path: String
    /// The C `errno` or the decompression library's return code behind the error, when there is one.
    public let underlying: Int32?
    /// The human-readable reason.
    public let reason: String

    public init(_ code: Code, path: String, underlying: Int32? = nil, _ reason: String) {
        self.code = code
        self.path = path
        self.underlying = underlying
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
