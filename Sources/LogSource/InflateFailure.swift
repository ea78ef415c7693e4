/// Corrupt compressed data, as the library reports it.
package struct InflateFailure: Error, Sendable {
    package let code: Int32
    package let message: String
    /// Bytes written to the output before the error was found (a bad CRC is found after
    /// the member's last bytes were inflated): kept, not lost.
    package var produced = 0

    package init(code: Int32, message: String, produced: Int = 0) {
        self.code = code
        self.message = message
        self.produced = produced
    }
}
