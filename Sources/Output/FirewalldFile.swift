import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// firewalld, as fail2ban's firewallcmd-rich-rules and firewallcmd-ipset actions reject:
/// per jail and family an ipset `f2b-<jail>` (`-v6`) and a rich rule rejecting its sources
/// for the jail's protocol and ports, all `--permanent`, then a reload.
package struct FirewalldFile: FirewallFile {
    package init() {}

    package var format: OutputFormat { .firewalld }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] { Self.shapes }
    static let shapes: [NSRegularExpression] = {
        let name = FirewallFileCheck.name
        return FirewallFileCheck.compile([
            "#!/bin/sh", FirewallFileCheck.comment, "#   firewall-cmd [ -~]*", "set -e", "firewall-cmd --reload",
            "firewall-cmd --permanent --new-ipset=f2b-\(name)(-v6)? --type=hash:ip --option=family=inet6?",
            "entries=\\$\\(mktemp\\)", "cat > \"\\$entries\" <<'EOF'", "(?<address>[0-9a-f:.]+)", "EOF", "rm -f \"\\$entries\"",
            "firewall-cmd --permanent --ipset=f2b-\(name)(-v6)? --add-entries-from-file=\"\\$entries\"",
            "firewall-cmd --permanent --add-rich-rule='rule family=ipv[46] source ipset=f2b-\(name)(-v6)?( port port=[0-9]{1,5}(-[0-9]{1,5})? protocol=(tcp|udp|udplite|sctp|dccp)| protocol value=(tcp|udp|udplite|sctp|dccp))? reject'",
        ])
    }()

    package func render(_ jails: [FirewallJail], activeAt: Int?) -> String {
        var out = "#!/bin/sh\n"
        out += "# failscan: load: sh this file (firewalld running; permanent configuration, then --reload)\n"
        out += FirewallJail.mapping(jails) { "ipsets f2b-\($0.token) and f2b-\($0.token)-v6" }
        var undo: [String] = []
        out += "set -e\n"
        for jail in jails {
            for ipv6 in [false, true] {
                let set = "f2b-" + jail.token + (ipv6 ? "-v6" : "")
                let family = ipv6 ? "ipv6" : "ipv4"
                out += "firewall-cmd --permanent --new-ipset=\(set) --type=hash:ip --option=family=\(ipv6 ? "inet6" : "inet")\n"
                // One call for all entries (a call per entry takes a D-Bus round trip each).
                let addresses = jail.addresses(ipv6: ipv6, activeAt: activeAt)
                if !addresses.isEmpty {
                    out += "entries=$(mktemp)\ncat > \"$entries\" <<'EOF'\n"
                    out += addresses.map { "\($0)\n" }.joined()
                    out += "EOF\nfirewall-cmd --permanent --ipset=\(set) --add-entries-from-file=\"$entries\"\nrm -f \"$entries\"\n"
                }
                var rules: [String] = []
                switch (jail.proto, jail.ports) {
                case (let proto?, let ports?):
                    rules = ports.map { port in
                        "rule family=\(family) source ipset=\(set) port port=\(Self.port(port)) protocol=\(proto) reject"
                    }
                case (let proto?, nil): rules = ["rule family=\(family) source ipset=\(set) protocol value=\(proto) reject"]
                case (nil, _): rules = ["rule family=\(family) source ipset=\(set) reject"]
                }
                for rule in rules {
                    out += "firewall-cmd --permanent --add-rich-rule='\(rule)'\n"
                    undo.append("firewall-cmd --permanent --remove-rich-rule='\(rule)'")
                }
                undo.append("firewall-cmd --permanent --delete-ipset=\(set)")
            }
        }
        out += "firewall-cmd --reload\n"
        out += "# failscan: undo:\n" + undo.map { "#   \($0)\n" }.joined() + "#   firewall-cmd --reload\n"
        return out
    }

    /// A port for a firewalld rich rule: a number or a range `n-m` (service names resolved
    /// through /etc/services, as iptables would).
    static func port(_ port: String) -> String {
        if port.first?.isNumber == true { return port.replacingOccurrences(of: ":", with: "-") }
        if let entry = getservbyname(port, "tcp") { return String(UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.pointee.s_port))) }
        return port
    }
}
