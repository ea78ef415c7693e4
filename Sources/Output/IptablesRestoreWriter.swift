import Analyzer

/// `iptables-restore` / `ip6tables-restore` input shaped like fail2ban's iptables actions
/// (`action.d/iptables*.conf`): per chain `f2b-<name>`, a jump from INPUT (for the
/// chain's protocol and ports, as iptables-multiport, when it has them), one REJECT rule
/// per address, a final RETURN.
public enum IptablesRestoreWriter {
    /// One chain of the file.
    public struct Chain: Sendable {
        public var name: String
        /// `tcp`, `udp`, ... and the ports (`ssh`, `imap,imaps`, `25:30`); nil jumps for all traffic.
        public var protocolAndPorts: (String, String)?
        public var addresses: [IPAddress]

        public init(name: String, protocolAndPorts: (String, String)? = nil, addresses: [IPAddress]) {
            self.name = name
            self.protocolAndPorts = protocolAndPorts
            self.addresses = addresses
        }
    }

    public static func render(_ chains: [Chain], ipv6: Bool) -> String {
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        let count = chains.reduce(0) { $0 + $1.addresses.count }
        var out =
            "# failscan: \(count) banned \(ipv6 ? "IPv6" : "IPv4") address(es); \(ipv6 ? "ip6tables" : "iptables")-restore --noflush < this file\n*filter\n"
        for chain in chains { out += ":\(chain.name) - [0:0]\n" }
        for chain in chains {
            if let (proto, ports) = chain.protocolAndPorts {
                if proto == "all" || ports.isEmpty || ports == "0:65535" || ports == "1:65535" || ports == "all" {
                    out += "-I INPUT -p \(proto) -j \(chain.name)\n"
                } else {
                    out += "-I INPUT -p \(proto) -m multiport --dports \(ports) -j \(chain.name)\n"
                }
            } else {
                out += "-I INPUT -j \(chain.name)\n"
            }
            for address in chain.addresses {
                out += "-A \(chain.name) -s \(address) -j REJECT --reject-with \(reject)\n"
            }
            out += "-A \(chain.name) -j RETURN\n"
        }
        return out + "COMMIT\n"
    }
}
