/// A raw decoder for one member (gzip member, bzip2 or xz stream, zstd frame) at a time:
/// the small interface behind which ISA-L and zlib (gzip), libzstd, liblzma and libbz2
/// sit. ``DecompressingReader`` does the buffering, member boundaries and error reporting.
package protocol DecoderBackend: AnyObject {
    /// The bytes every member starts with, checked between members.
    var magic: [UInt8] { get }
    /// Inflates from `input` into `output`.
    /// - Returns: bytes consumed, bytes produced, and whether the member (with its
    ///   trailer) is complete.
    /// - Throws: a description of the corruption.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(InflateFailure) -> (
        consumed: Int, produced: Int, memberDone: Bool
    )
    /// Prepares for the next member.
    func reset()
}
