/// FNV-1a, 64 bits: a fast, stable hash of bytes (the same on every run and machine),
/// for the multi-line merge's cache, `bantime.rndtime`'s share and firewall names.
package enum FNV1a {
    @inline(__always)
    package static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
