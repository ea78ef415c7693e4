/// The output formats of `failscan scan`.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Banned ids, one per line.
    case list
    /// JSON Lines: one object per id that failed (`ip`, `failures`, `first`, `last`, `banned`).
    case json
    /// An `iptables-restore` file with the banned IPv4 addresses.
    case iptables
    /// An `ip6tables-restore` file with the banned IPv6 addresses.
    case ip6tables
}

/// Renders offenders in one of the ``OutputFormat``s.
public enum BanListWriter {
    /// Renders `offenders`; `name` names the firewall chain (`f2b-<name>`).
    public static func render(_ offenders: [Offender], format: OutputFormat, name: String) -> String {
        switch format {
        case .list:
            return offenders.filter(\.banned).map { "\($0.id)\n" }.joined()
        case .json:
            return offenders.map { o in
                "{\"ip\":\(jsonString(o.id.description)),\"failures\":\(o.failures),\"first\":\(o.first),\"last\":\(o.last),\"banned\":\(o.banned)}\n"
            }.joined()
        case .iptables:
            return IptablesRestoreWriter.render(offenders.compactMap { $0.banned ? $0.id.address : nil }.filter(\.isIPv4), name: name, ipv6: false)
        case .ip6tables:
            return IptablesRestoreWriter.render(offenders.compactMap { $0.banned ? $0.id.address : nil }.filter { !$0.isIPv4 }, name: name, ipv6: true)
        }
    }

    /// A JSON string literal for `s`.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

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

    /// A file with one chain `f2b-<name>` that every packet jumps to.
    public static func render(_ addresses: [IPAddress], name: String, ipv6: Bool) -> String {
        render([Chain(name: "f2b-\(name)", addresses: addresses)], ipv6: ipv6)
    }

    public static func render(_ chains: [Chain], ipv6: Bool) -> String {
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        let count = chains.reduce(0) { $0 + $1.addresses.count }
        var out = "# failscan: \(count) banned \(ipv6 ? "IPv6" : "IPv4") address(es); \(ipv6 ? "ip6tables" : "iptables")-restore --noflush < this file\n*filter\n"
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
