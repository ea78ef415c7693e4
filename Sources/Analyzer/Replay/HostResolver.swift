#if canImport(Glibc)
    import Glibc
#endif

/// Looks host names up through the system resolver, as fail2ban's `DNSUtils.dnsToIp` does
/// (`getaddrinfo`, TCP, both families), once per name.
///
/// Offline this is a choice, not a default: the answer is today's DNS, not the one at the
/// time of the logs, and every distinct name costs a lookup.
package final class HostResolver {
    private var cache: [String: [IPAddress]] = [:]
    /// Names looked up, and how many gave no address.
    package private(set) var lookups = 0
    package private(set) var failed = 0

    package init() {}

    /// The addresses of `name` (empty when it does not resolve).
    package func addresses(of name: String) -> [IPAddress] {
        if let known = cache[name] { return known }
        lookups += 1
        var hints = addrinfo()
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        var found: [IPAddress] = []
        if getaddrinfo(name, nil, &hints, &list) == 0 {
            var entry = list
            while let info = entry?.pointee {
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
                if info.ai_family == AF_INET, let address = info.ai_addr {
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        var raw = v4.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    }
                } else if info.ai_family == AF_INET6, let address = info.ai_addr {
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        var raw = v6.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    }
                }
                let string = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if let parsed = IPAddress(string), !found.contains(parsed) { found.append(parsed) }
                entry = info.ai_next
            }
            freeaddrinfo(list)
        }
        if found.isEmpty { failed += 1 }
        cache[name] = found
        return found
    }
}
