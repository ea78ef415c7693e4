import Analyzer
import Foundation

/// An `nft -f` file: failscan's own table (`inet PREFIX`) with a v4 and a v6 set per jail
/// and drop rules for the jail's protocol and ports, as fail2ban's nftables action matches
/// them (`<proto> dport { ports }`, ranges with `-`; `meta l4proto` for all ports). The
/// table is declared, deleted and created again in the file's one transaction: a second
/// load, or a newer file over an older one, leaves exactly what the newer alone leaves, and
/// fail2ban's own table (`f2b-table`) is never named.
package struct NftFile: FirewallFile {
    package let prefix: String

    package init(prefix: String = FirewallJail.defaultPrefix) { self.prefix = prefix }

    package var format: OutputFormat { .nft }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] {
        FirewallFileCheck.compile([
            "#!/usr/sbin/nft -f", FirewallFileCheck.comment, "table inet \(prefix)", "delete table inet \(prefix)",
            "table inet \(prefix) \\{", "    set addr6?-set-\(FirewallFileCheck.nftName) \\{",
            "        type ipv[46]_addr", "        flags timeout", "        elements = \\{",
            "            (?<address>[0-9a-f:.]+)( timeout [0-9]{1,10}s)?,?",
            "        \\}", "    \\}", "\\}",
            "    chain input \\{", "        type filter hook input priority -1; policy accept;",
            "        ip6? saddr @addr6?-set-\(FirewallFileCheck.nftName)( (tcp|udp|udplite|sctp|dccp) dport \\{ [A-Za-z0-9_+., -]{1,400} \\}| meta l4proto (tcp|udp|udplite|sctp|dccp))? drop",
        ])
    }

    package func render(_ jails: [FirewallJail], time: FirewallTime) -> String {
        var out = "#!/usr/sbin/nft -f\n"
        out += time.header(expiry: "each element's timeout is what its ban has left, counted from the load")
        out += "# failscan: load (FILE: this file; again to replace it): nft -f FILE\n"
        out += "# failscan: undo: nft delete table inet \(prefix)\n"
        out += FirewallJail.mapping(jails) { "sets addr-set-\($0.nftToken) and addr6-set-\($0.nftToken)" }
        // Declared first so that the delete finds it on a first load: one transaction.
        out += "table inet \(prefix)\ndelete table inet \(prefix)\n"
        out += "table inet \(prefix) {\n"
        for jail in jails {
            for ipv6 in [false, true] {
                let bans = jail.bans(ipv6: ipv6, time: time)
                out += "    set \(ipv6 ? "addr6" : "addr")-set-\(jail.nftToken) {\n        type \(ipv6 ? "ipv6_addr" : "ipv4_addr")\n"
                if bans.contains(where: { $0.remaining != nil }) { out += "        flags timeout\n" }
                if !bans.isEmpty {
                    out += "        elements = {\n"
                    for (index, ban) in bans.enumerated() {
                        out +=
                            "            \(ban.address)\(ban.remaining.map { " timeout \($0)s" } ?? "")\(index + 1 < bans.count ? "," : "")\n"
                    }
                    out += "        }\n"
                }
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
