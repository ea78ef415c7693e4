/// What a scan has read since its last report, for progress on long runs: the bytes of
/// text (decompressed) and the bytes of the files as stored (compressed ones count their
/// compressed bytes), so that the time left follows the sizes on disk.
package struct ReadProgress: Sendable, Equatable {
    /// Bytes of text (decompressed).
    package var bytes: Int
    /// Bytes of the inputs as stored.
    package var stored: Int

    package init(bytes: Int, stored: Int) {
        self.bytes = bytes
        self.stored = stored
    }
}
