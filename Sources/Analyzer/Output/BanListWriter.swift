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

/// `iptables-restore` / `ip6tables-restore` input shaped like fail2ban's iptables action
/// (`action.d/iptables.conf`): a chain `f2b-<name>` jumped to from INPUT, one REJECT
/// rule per address, a final RETURN.
public enum IptablesRestoreWriter {
    public static func render(_ addresses: [IPAddress], name: String, ipv6: Bool) -> String {
        let chain = "f2b-\(name)"
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        var out = "# failscan: \(addresses.count) banned \(ipv6 ? "IPv6" : "IPv4") address(es)\n"
        out += "*filter\n:\(chain) - [0:0]\n-I INPUT -j \(chain)\n"
        for address in addresses {
            out += "-A \(chain) -s \(address) -j REJECT --reject-with \(reject)\n"
        }
        out += "-A \(chain) -j RETURN\nCOMMIT\n"
        return out
    }
}
