import Analyzer

/// `iptables-restore` / `ip6tables-restore` input shaped like fail2ban's iptables actions
/// (`action.d/iptables*.conf`): per chain `f2b-<name>`, a jump from INPUT (for the
/// chain's protocol and ports, as iptables-multiport, when it has them), one REJECT rule
/// per address, a final RETURN.
public enum IptablesRestoreWriter {
    /// One chain of the file.
    public struct Chain: Sendable {
        public var name: String
        /// `tcp`, `udp`, ...; nil jumps for every protocol.
        public var proto: String?
        /// Checked ports and ranges (`ssh`, `143`, `25:30`); nil jumps for every port.
        public var ports: [String]?
        public var addresses: [IPAddress]

        public init(name: String, proto: String? = nil, ports: [String]? = nil, addresses: [IPAddress]) {
            self.name = name
            self.proto = proto
            self.ports = ports
            self.addresses = addresses
        }
    }

    public static func render(_ chains: [Chain], ipv6: Bool) -> String {
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        let count = chains.reduce(0) { $0 + $1.addresses.count }
        var out =
            "# failscan: \(count) banned \(ipv6 ? "IPv6" : "IPv4") address(es); load: \(ipv6 ? "ip6tables" : "iptables")-restore --noflush < this file\n"
            + "# failscan: undo, per chain f2b-<jail> below: \(ipv6 ? "ip6tables" : "iptables") -D INPUT with the same -p, --dports and -j, then -F f2b-<jail> and -X f2b-<jail>\n*filter\n"
        for chain in chains { out += ":\(chain.name) - [0:0]\n" }
        for chain in chains {
            switch (chain.proto, chain.ports) {
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
