import Foundation

/// `iptables-restore --noflush` / `ip6tables-restore --noflush` input shaped like fail2ban's
/// iptables-multiport action (`action.d/iptables*.conf`) under failscan's own names: per
/// jail a chain `PREFIX-<jail>` with one REJECT rule per address and a final RETURN, and a
/// chain `PREFIX` that sends the jail's protocol and ports there. Loading declares (and so
/// flushes) every chain of the file: a second load, or a newer file over an older one,
/// leaves what the newer alone leaves. The one jump from INPUT to `PREFIX` is the load
/// command's, added when missing (iptables-restore cannot test for a rule); fail2ban's own
/// `f2b-*` chains are never named.
package struct IptablesFile: FirewallFile {
    /// ip6tables (IPv6 addresses) rather than iptables (IPv4).
    let ipv6: Bool
    package let prefix: String

    package init(ipv6: Bool, prefix: String = FirewallJail.defaultPrefix) {
        self.ipv6 = ipv6
        self.prefix = prefix
    }

    package var format: OutputFormat { ipv6 ? .ip6tables : .iptables }

    /// The command (`iptables`, `ip6tables`).
    var tool: String { ipv6 ? "ip6tables" : "iptables" }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] {
        let name = FirewallFileCheck.name(prefix)
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        return FirewallFileCheck.compile([
            FirewallFileCheck.comment, "\\*filter", ":\(prefix) - \\[0:0\\]", ":\(name) - \\[0:0\\]",
            "-A \(prefix)( -p (tcp|udp|udplite|sctp|dccp)( -m multiport --dports [A-Za-z0-9_+.:,-]{1,400})?)? -j \(name)",
            "-A \(name) -s (?<address>[0-9a-f:.]+) -j REJECT --reject-with \(reject)", "-A \(name) -j RETURN", "COMMIT",
        ])
    }

    /// The shell command that loads the file at FILE: the chains, then INPUT's jump once.
    var load: String { "\(tool)-restore --noflush < FILE && \(Self.jumpOnce(tool, to: prefix))" }

    /// The shell command that adds INPUT's jump to `chain` unless it is there
    /// (iptables-restore cannot test for a rule).
    static func jumpOnce(_ tool: String, to chain: String) -> String {
        "{ \(tool) -C INPUT -j \(chain) 2>/dev/null || \(tool) -I INPUT -j \(chain); }"
    }

    /// The commands that take INPUT's jump to `chain` and the chain out again.
    static func unhook(_ tool: String, _ chain: String) -> [String] {
        ["\(tool) -D INPUT -j \(chain)", "\(tool) -F \(chain)", "\(tool) -X \(chain)"]
    }

    /// The shell command that takes everything the file loaded out again.
    func undo(_ jails: [FirewallJail]) -> String {
        var commands = Self.unhook(tool, prefix)
        for jail in jails { commands += ["\(tool) -F \(jail.chain)", "\(tool) -X \(jail.chain)"] }
        return commands.joined(separator: "; ")
    }

    package func render(_ jails: [FirewallJail], time: FirewallTime) -> String {
        let chains = jails.map { jail in (jail: jail, addresses: jail.addresses(ipv6: ipv6, time: time)) }
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        let count = chains.reduce(0) { $0 + $1.addresses.count }
        var out = FirewallJail.mapping(jails) { "chain \($0.chain)" }
        out +=
            time.header(expiry: "\(tool) rules have no timeouts: they stay until the undo or a newer file")
            + "# failscan: \(count) banned \(ipv6 ? "IPv6" : "IPv4") address(es)\n"
            + "# failscan: load (FILE: this file; again to replace it): \(load)\n" + "# failscan: undo: \(undo(jails))\n*filter\n"
        out += ":\(prefix) - [0:0]\n"
        for chain in chains { out += ":\(chain.jail.chain) - [0:0]\n" }
        for chain in chains { out += "-A \(prefix)\(chain.jail.iptablesMatch) -j \(chain.jail.chain)\n" }
        for chain in chains {
            for address in chain.addresses {
                out += "-A \(chain.jail.chain) -s \(address) -j REJECT --reject-with \(reject)\n"
            }
            out += "-A \(chain.jail.chain) -j RETURN\n"
        }
        return out + "COMMIT\n"
    }
}
