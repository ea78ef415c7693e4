import CBzip2
import CISAL
import CLzma
import CZlib
import CZstd

/// Corrupt compressed data, as the library reports it.
public struct InflateFailure: Error, Sendable {
    public let code: Int32
    public let message: String
    /// Bytes written to the output before the error was found (a bad CRC is found after
    /// the member's last bytes were inflated): kept, not lost.
    public var produced = 0

    public init(code: Int32, message: String, produced: Int = 0) {
        self.code = code
        self.message = message
        self.produced = produced
    }
}
