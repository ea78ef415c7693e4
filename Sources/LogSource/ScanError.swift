/// A problem reading one input file. Collected as a warning; the scan goes on.
///
/// Its description reads like `mail.log.2.gz: truncated gzip member at byte 81234`.
package struct ScanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Kind: Sendable, Hashable { case open, read, corrupt, truncated, trailingGarbage, unsupportedCompression, lineTooLong }
        let kind: Kind
        package static let open = Code(kind: .open)
        package static let read = Code(kind: .read)
        /// Corrupt compressed data.
        package static let corrupt = Code(kind: .corrupt)
        /// The compressed data ends in the middle of a member.
        package static let truncated = Code(kind: .truncated)
        /// Bytes after the last member that do not start another.
        package static let trailingGarbage = Code(kind: .trailingGarbage)
        package static let unsupportedCompression = Code(kind: .unsupportedCompression)
        package static let lineTooLong = Code(kind: .lineTooLong)
        package var description: String { "\(kind)" }
    }

    package let code: Code
    package let path: String
    /// The C `errno` or the decompression library's return code behind the error, when there is one.
    package let underlying: Int32?
    /// The human-readable reason.
    package let reason: String

    package init(_ code: Code, path: String, underlying: Int32? = nil, _ reason: String) {
        self.code = code
        self.path = path
        self.underlying = underlying
        self.reason = reason
    }

    package var description: String { "\(path): \(reason)" }
}
