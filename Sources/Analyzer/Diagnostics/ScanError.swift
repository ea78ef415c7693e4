/// A problem reading one input file. Collected as a warning; the scan goes on.
///
/// Its description reads like `mail.log.2.gz: truncated gzip member at byte 81234`.
public struct ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Equatable, CustomStringConvertible {
        enum Kind: Sendable, Equatable { case open, read, gzipData, gzipTruncated, gzipTrailingGarbage, unsupportedCompression, lineTooLong }
        let kind: Kind
        public static let open = Code(kind: .open)
        public static let read = Code(kind: .read)
        public static let gzipData = Code(kind: .gzipData)
        public static let gzipTruncated = Code(kind: .gzipTruncated)
        public static let gzipTrailingGarbage = Code(kind: .gzipTrailingGarbage)
        public static let unsupportedCompression = Code(kind: .unsupportedCompression)
        public static let lineTooLong = Code(kind: .lineTooLong)
        public var description: String { "\(kind)" }
    }

    public let code: Code
    public let path: String
    /// The C `errno` or zlib return code behind the error, when there is one.
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
