import CISAL
import CZlib

/// Which inflater to use.
package enum InflateEngine: String, Sendable, CaseIterable {
    /// Intel ISA-L's igzip (libisal), about 2-3x zlib on this kind of machine.
    case isal
    /// zlib, the fallback.
    case zlib

    func make() -> any DecoderBackend {
        switch self {
        case .isal: return ISALInflater()
        case .zlib: return ZlibInflater()
        }
    }
}

/// gzip: two inflaters to choose from (``InflateEngine``).
enum GzipFormat: CompressionFormat {
    static func starts(_ head: UnsafeBufferPointer<UInt8>) -> Bool { starts(head, with: [0x1f, 0x8b]) }
    static let suffixes = [".gz"]
    static var libraries: [(String, String)] {
        let isal = Int(cisal_version())
        return [("ISA-L", "\(isal >> 16).\(isal >> 8 & 0xff).\(isal & 0xff)"), ("zlib", String(cString: zlibVersion()))]
    }
    static func decoder(engine: InflateEngine) -> any DecoderBackend { engine.make() }
}
