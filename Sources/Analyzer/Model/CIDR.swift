/// An address with a prefix length (`192.0.2.0/24`, `2001:db8::/32`, or a single address).
package struct CIDR: Sendable, Equatable, CustomStringConvertible {
    package let address: IPAddress
    package let prefix: Int

    /// Parses `a.b.c.d[/n]` or `ipv6[/n]`.
    package init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maxPrefix = address.isIPv4 ? 32 : 128
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= maxPrefix else { return nil }
            prefix = p
        }
        self.address = address
        self.prefix = prefix
    }

    /// Whether `other` lies in this network.
    package func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let net), .v4(let a)):
            if prefix == 0 { return true }
            let mask: UInt32 = prefix >= 32 ? .max : ~(UInt32.max >> UInt32(prefix))
            return net & mask == a & mask
        case (.v6(let nh, let nl), .v6(let ah, let al)):
            if prefix <= 64 {
                let mask: UInt64 = prefix == 0 ? 0 : (prefix >= 64 ? .max : ~(UInt64.max >> UInt64(prefix)))
                return nh & mask == ah & mask
            }
            let mask: UInt64 = prefix >= 128 ? .max : ~(UInt64.max >> UInt64(prefix - 64))
            return nh == ah && nl & mask == al & mask
        default:
            return false
        }
    }

    package var description: String { "\(address)/\(prefix)" }
}
