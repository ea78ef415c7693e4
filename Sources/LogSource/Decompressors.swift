/// The decompression libraries failscan reads logs with, and their versions.
package enum Decompressors {
    /// `(library, version)` for each library of each format read (``CompressionFormat``), as linked.
    package static var versions: [(String, String)] { Compression.readable.flatMap { $0.libraries } }
}
