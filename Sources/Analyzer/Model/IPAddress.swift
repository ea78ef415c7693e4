#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 address, parsed from bytes without allocating, printed canonically
/// (no leading zeros; RFC 5952 for IPv6; `::ffff:a.b.c.d` read as IPv4).
package enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    /// Parses dotted-quad IPv4 (each part 0...255 without leading zeros) or IPv6 text.
    ///
    /// `010.001.002.003` is not an address here: fail2ban and `iptables -s` read leading
    /// zeros as octal (8.1.2.3), other tools as decimal, so such text is ambiguous and is
    /// never taken for an address (nor is `::ffff:01.2.3.4`).
    package init?(bytes: UnsafeBufferPointer<UInt8>) {
        if let v4 = IPAddress.parseV4(bytes) {
            self = .v4(v4)
            return
        }
        guard bytes.count >= 2, bytes.count < 64, let (high, low) = IPAddress.parseV6(bytes) else { return nil }
        if high == 0, low >> 32 == 0xffff {
            self = .v4(UInt32(truncatingIfNeeded: low))
            return
        }
        self = .v6(high, low)
    }

    /// Parses an address from a string.
    package init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ IPAddress(bytes: $0) }) else { return nil }
        self = parsed
    }

    /// IPv6 text as glibc's `inet_pton(AF_INET6)` reads it (groups of 1-4 hex digits, one
    /// `::` standing for at least one zero group, a dotted IPv4 tail), without the copy
    /// into a C string and the call: a third of the logins of a mail log come from IPv6
    /// addresses. The IPv4 tail is as strict as a plain IPv4 address (``parseV4(_:)``); a
    /// zone id (`%eth0`) is refused, as is anything else inet_pton refuses.
    static func parseV6(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        var groups = SIMD8<UInt16>(repeating: 0)
        var n = 0 // groups written
        var gap = -1 // where `::` stands
        var i = 0
        let count = b.count
        guard count > 0 else { return nil }
        if b[0] == UInt8(ascii: ":") {
            guard count > 1, b[1] == UInt8(ascii: ":") else { return nil }
            i = 1
        }
        var value: UInt32 = 0, digits = 0, token = i
        while i < count {
            let c = b[i]
            i += 1
            let hex: UInt32
            switch c {
            case 48...57: hex = UInt32(c - 48)
            case 97...102: hex = UInt32(c - 87)
            case 65...70: hex = UInt32(c - 55)
            case UInt8(ascii: ":"):
                token = i
                if digits == 0 {
                    guard gap < 0 else { return nil }
                    gap = n
                    continue
                }
                guard i < count, n < 8 else { return nil }
                groups[n] = UInt16(value)
                n += 1
                value = 0
                digits = 0
                continue
            case UInt8(ascii: "."):
                guard n <= 6, let v4 = parseV4(UnsafeBufferPointer(rebasing: b[token..<count])) else { return nil }
                groups[n] = UInt16(v4 >> 16)
                groups[n + 1] = UInt16(v4 & 0xffff)
                n += 2
                digits = 0
                i = count
                continue
            default: return nil
            }
            value = value << 4 | hex
            digits += 1
            guard digits <= 4 else { return nil }
        }
        if digits > 0 {
            guard n < 8 else { return nil }
            groups[n] = UInt16(value)
            n += 1
        }
        if gap >= 0 {
            guard n < 8 else { return nil }
            let moved = n - gap
            for k in stride(from: moved - 1, through: 0, by: -1) {
                groups[8 - moved + k] = groups[gap + k]
                groups[gap + k] = 0
            }
            n = 8
        }
        guard n == 8 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for k in 0..<4 {
            high = high << 16 | UInt64(groups[k])
            low = low << 16 | UInt64(groups[4 + k])
        }
        return (high, low)
    }

    static func parseV4(_ b: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var value: UInt32 = 0, part: UInt32 = 0, digits = 0, parts = 0
        for c in b {
            if c >= 48, c <= 57 {
                if digits == 1, part == 0 { return nil } // a leading zero: ambiguous (octal?)
                part = part * 10 + UInt32(c - 48)
                digits += 1
                if digits > 3 || part > 255 { return nil }
            } else if c == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                part = 0
                digits = 0
                parts += 1
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    /// Whether a firewall may ban this address: not unspecified (`0.0.0.0/8`, `::`),
    /// loopback (`127.0.0.0/8`, `::1`), multicast (`224.0.0.0/4`, `ff00::/8`) or reserved
    /// and broadcast (`240.0.0.0/4`). A log line naming one is noise or an attack on the
    /// ban itself; banning it would block the host's own traffic or be refused.
    package var isBannable: Bool {
        switch self {
        case .v4(let v):
            let first = v >> 24
            return first != 0 && first != 127 && first < 224
        case .v6(let high, let low):
            if high == 0 && (low == 0 || low == 1) { return false }
            return high >> 56 != 0xff
        }
    }

    package var isIPv4: Bool { if case .v4 = self { return true } else { return false } }

    package var description: String {
        switch self {
        case .v4(let v):
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        case .v6(let high, let low):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { raw in
                for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i))) }
                for i in 0..<8 { raw[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i))) }
            }
            var buffer = [CChar](repeating: 0, count: 64)
            inet_ntop(AF_INET6, &address, &buffer, 64)
            return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// IPv4 before IPv6, then numeric order.
    package static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let h1, let l1), .v6(let h2, let l2)): return (h1, l1) < (h2, l2)
        }
    }
}
