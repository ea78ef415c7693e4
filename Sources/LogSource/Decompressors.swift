import CBzip2
import CISAL
import CLzma
import CZlib
import CZstd

/// The decompression libraries failscan reads logs with, and their versions.
public enum Decompressors {
    /// `(library, version)` for ISA-L, zlib, zstd, liblzma and bzip2, as linked.
    public static var versions: [(String, String)] {
        let isal = Int(cisal_version())
        return [
            ("ISA-L", "\(isal >> 16).\(isal >> 8 & 0xff).\(isal & 0xff)"),
            ("zlib", String(cString: zlibVersion())),
            ("zstd", String(cString: ZSTD_versionString())),
            ("liblzma", String(cString: lzma_version_string())),
            ("bzip2", String(String(cString: BZ2_bzlibVersion()).prefix { $0 != "," })),
        ]
    }
}
