import CBzip2
import CISAL
import CLzma
import CZlib
import CZstd

/// Which inflater to use.
public enum InflateEngine: String, Sendable, CaseIterable {
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
