import CBzip2
import CISAL
import CLzma
import CZlib
import CZstd

/// Corrupt compressed data, as the library reports it.
public struct InflateFailure: Error, Sendable {
    public let code: Int32
    public let message: String
}
