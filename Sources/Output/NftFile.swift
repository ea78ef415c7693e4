import Analyzer
import Foundation

/// An `nft -f` file: one table with a v4 and a v6 set per jail and drop rules for the
/// jail's protocol and ports, as fail2ban's nftables action matches them (`<proto> dport {
/// ports }`, ranges with `-`; `meta l4proto` for all ports).
package struct NftFile: FirewallFile {
    package init() {}

    package var format: OutputFormat { .nft }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] { Self.shapes }
    static let shapes = FirewallFileCheck.compile([
        "#!/usr/sbin/nft -f", FirewallFileCheck.comment, "table inet failscan \\{", "    set addr6?-set-\(FirewallFileCheck.nftName) \\{",
        "        type ipv[46]_addr", "        elements = \\{ (?<addresses>[0-9a-f:., ]+) \\}", "    \\}", "\\}",
        "    chain input \\{", "        type filter hook input priority -1; policy accept;",
        "        ip6? saddr @addr6?-set-\(FirewallFileCheck.nftName)( (tcp|udp|udplite|sctp|dccp) dport \\{ [A-Za-z0-9_+., -]{1,400} \\}| meta l4proto (tcp|udp|udplite|sctp|dccp))? drop",
    ])

    package func render(_ jails: [FirewallJail], activeAt: Int?) -> String {
        var out = "#!/usr/sbin/nft -f\n"
        out += "# failscan: load: nft -f this file; undo: nft delete table inet failscan\n"
        out += FirewallJail.mapping(jails) { "sets addr-set-\($0.nftToken) and addr6-set-\($0.nftToken)" }
        out += "table inet failscan {\n"
        for jail in jails {
            for ipv6 in [false, true] {
                let addresses = jail.addresses(ipv6: ipv6, activeAt: activeAt)
                out += "    set \(ipv6 ? "addr6" : "addr")-set-\(jail.nftToken) {\n        type \(ipv6 ? "ipv6_addr" : "ipv4_addr")\n"
                if !addresses.isEmpty { out += "        elements = { \(addresses.map(\.description).joined(separator: ", ")) }\n" }
                out += "    }\n"
            }
        }
        out += "    chain input {\n        type filter hook input priority -1; policy accept;\n"
        for jail in jails {
            var match = ""
            switch (jail.proto, jail.ports) {
            case (let proto?, let ports?):
                match = " \(proto) dport { \(ports.map { $0.replacingOccurrences(of: ":", with: "-") }.joined(separator: ", ")) }"
            case (let proto?, nil): match = " meta l4proto \(proto)"
            case (nil, _): break
            }
            out += "        ip saddr @addr-set-\(jail.nftToken)\(match) drop\n        ip6 saddr @addr6-set-\(jail.nftToken)\(match) drop\n"
        }
        return out + "    }\n}\n"
    }
}
