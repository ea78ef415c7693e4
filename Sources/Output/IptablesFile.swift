import Foundation

/// `iptables-restore` / `ip6tables-restore` input shaped like fail2ban's
/// iptables-multiport action (`action.d/iptables*.conf`): per jail a chain `f2b-<jail>`, a
/// jump from INPUT for the jail's protocol and ports, one REJECT rule per address, a final
/// RETURN.
package struct IptablesFile: FirewallFile {
    /// ip6tables (IPv6 addresses) rather than iptables (IPv4).
    let ipv6: Bool

    package init(ipv6: Bool) { self.ipv6 = ipv6 }

    package var format: OutputFormat { ipv6 ? .ip6tables : .iptables }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] { ipv6 ? Self.shapes6 : Self.shapes4 }
    static let shapes4 = lines(ipv6: false)
    static let shapes6 = lines(ipv6: true)

    static func lines(ipv6: Bool) -> [NSRegularExpression] {
        let name = FirewallFileCheck.name
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        return FirewallFileCheck.compile([
            FirewallFileCheck.comment, "\\*filter", ":f2b-\(name) - \\[0:0\\]",
            "-I INPUT( -p (tcp|udp|udplite|sctp|dccp)( -m multiport --dports [A-Za-z0-9_+.:,-]{1,400})?)? -j f2b-\(name)",
            "-A f2b-\(name) -s (?<address>[0-9a-f:.]+) -j REJECT --reject-with \(reject)", "-A f2b-\(name) -j RETURN", "COMMIT",
        ])
    }

    package func render(_ jails: [FirewallJail], activeAt: Int?) -> String {
        let chains = jails.map { jail in (name: "f2b-" + jail.token, jail: jail, addresses: jail.addresses(ipv6: ipv6, activeAt: activeAt))
        }
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        let count = chains.reduce(0) { $0 + $1.addresses.count }
        var out = FirewallJail.mapping(jails) { "chain f2b-\($0.token)" }
        out +=
            "# failscan: \(count) banned \(ipv6 ? "IPv6" : "IPv4") address(es); load: \(ipv6 ? "ip6tables" : "iptables")-restore --noflush < this file\n"
            + "# failscan: undo, per chain f2b-<jail> below: \(ipv6 ? "ip6tables" : "iptables") -D INPUT with the same -p, --dports and -j, then -F f2b-<jail> and -X f2b-<jail>\n*filter\n"
        for chain in chains { out += ":\(chain.name) - [0:0]\n" }
        for chain in chains {
            switch (chain.jail.proto, chain.jail.ports) {
            case (let proto?, let ports?):
                out += "-I INPUT -p \(proto) -m multiport --dports \(ports.joined(separator: ",")) -j \(chain.name)\n"
            case (let proto?, nil): out += "-I INPUT -p \(proto) -j \(chain.name)\n"
            case (nil, _): out += "-I INPUT -j \(chain.name)\n"
            }
            for address in chain.addresses {
                out += "-A \(chain.name) -s \(address) -j REJECT --reject-with \(reject)\n"
            }
            out += "-A \(chain.name) -j RETURN\n"
        }
        return out + "COMMIT\n"
    }
}
