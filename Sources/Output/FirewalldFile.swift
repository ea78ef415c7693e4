import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// firewalld, as fail2ban's firewallcmd-rich-rules and firewallcmd-ipset actions reject:
/// per jail and family an ipset `PREFIX-<jail>` (`-v6`, sized for its entries) and a rich
/// rule rejecting its sources for the jail's protocol and ports, in the permanent
/// configuration. The script first takes out every rich rule and ipset of failscan's
/// prefix, so it applies again (a second run, a newer file over an older one: what the newer
/// alone gives); with `FIREWALL_CMD=firewall-offline-cmd` it writes a stopped firewalld's
/// configuration (a disk image's /etc/firewalld) instead of a running one's. Permanent
/// ipsets hold no timeouts: entries stay until the next file or the undo.
package struct FirewalldFile: FirewallFile {
    package let prefix: String

    package init(prefix: String = FirewallJail.defaultPrefix) { self.prefix = prefix }

    package var format: OutputFormat { .firewalld }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] {
        let name = FirewallFileCheck.name(prefix)
        return FirewallFileCheck.compile([
            "#!/bin/sh", FirewallFileCheck.comment, "#   firewall-cmd [ -~]*", "set -e", Self.command, clearRules, clearSets,
            "\\$fw --new-ipset=\(name)(-v6)? --type=hash:ip --option=family=inet6? --option=maxelem=[0-9]{1,10}",
            "entries=\\$\\(mktemp\\)", "cat > \"\\$entries\" <<'EOF'", "(?<address>[0-9a-f:.]+)", "EOF", "rm -f \"\\$entries\"",
            "\\$fw --ipset=\(name)(-v6)? --add-entries-from-file=\"\\$entries\"",
            "\\$fw --add-rich-rule='rule family=ipv[46] source ipset=\(name)(-v6)?( port port=[0-9]{1,5}(-[0-9]{1,5})? protocol=(tcp|udp|udplite|sctp|dccp)| protocol value=(tcp|udp|udplite|sctp|dccp))? reject'",
            NSRegularExpression.escapedPattern(for: Self.reload),
        ])
    }

    /// The firewalld command the script runs: a running firewalld's permanent configuration,
    /// or `FIREWALL_CMD` (firewall-offline-cmd).
    static let command = NSRegularExpression.escapedPattern(for: "fw=${FIREWALL_CMD:-firewall-cmd --permanent}")
    /// The reload a running firewalld needs to apply the permanent configuration.
    static let reload = "if [ -z \"${FIREWALL_CMD:-}\" ]; then firewall-cmd --reload; fi"

    /// The lines that take out every rich rule and ipset of the prefix (an earlier file's).
    var clearRulesLine: String {
        "$fw --list-rich-rules | grep -F 'ipset=\"\(prefix)-' | while IFS= read -r rule; do $fw --remove-rich-rule=\"$rule\" > /dev/null; done"
    }
    var clearSetsLine: String {
        "for set in $($fw --get-ipsets); do case $set in \(prefix)-*) $fw --delete-ipset=\"$set\" > /dev/null ;; esac; done"
    }
    var clearRules: String { NSRegularExpression.escapedPattern(for: clearRulesLine) }
    var clearSets: String { NSRegularExpression.escapedPattern(for: clearSetsLine) }

    package func render(_ jails: [FirewallJail], time: FirewallTime) -> String {
        var out = "#!/bin/sh\n"
        out +=
            "# failscan: load (FILE: this file; again to replace it): sh FILE (firewalld running: its permanent configuration, then a reload)\n"
        out += "# failscan: load offline (firewalld stopped, or an image's /etc/firewalld): FIREWALL_CMD=firewall-offline-cmd sh FILE\n"
        out += time.header(expiry: "permanent ipsets hold no timeouts: the entries stay until a newer file or the undo")
        out += FirewallJail.mapping(jails) { "ipsets \($0.set(ipv6: false)) and \($0.set(ipv6: true))" }
        var undo: [String] = []
        out += "set -e\nfw=${FIREWALL_CMD:-firewall-cmd --permanent}\n"
        out += clearRulesLine + "\n" + clearSetsLine + "\n"
        for jail in jails {
            for ipv6 in [false, true] {
                let set = jail.set(ipv6: ipv6)
                let family = ipv6 ? "ipv6" : "ipv4"
                let addresses = jail.addresses(ipv6: ipv6, time: time)
                out +=
                    "$fw --new-ipset=\(set) --type=hash:ip --option=family=\(ipv6 ? "inet6" : "inet") --option=maxelem=\(IpsetFile.maxElements(addresses.count))\n"
                // One call for all entries (a call per entry takes a D-Bus round trip each).
                if !addresses.isEmpty {
                    out += "entries=$(mktemp)\ncat > \"$entries\" <<'EOF'\n"
                    out += addresses.map { "\($0)\n" }.joined()
                    out += "EOF\n$fw --ipset=\(set) --add-entries-from-file=\"$entries\"\nrm -f \"$entries\"\n"
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
                    out += "$fw --add-rich-rule='\(rule)'\n"
                    undo.append("firewall-cmd --permanent --remove-rich-rule='\(rule)'")
                }
                undo.append("firewall-cmd --permanent --delete-ipset=\(set)")
            }
        }
        out += Self.reload + "\n"
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
