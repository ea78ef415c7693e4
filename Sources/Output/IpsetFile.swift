import Analyzer
import Fail2banConfig
import Foundation

/// `ipset restore` input: per jail and family a hash:ip set `PREFIX-<jail>` (`-v6`) with
/// timeouts, filled in a new set swapped in whole (a second load, or a newer file over an
/// older one, leaves what the newer alone leaves; the set a rule uses never empties), sized
/// for its addresses (`maxelem`); and, in lines ipset skips as comments, the iptables and
/// ip6tables rules that block the sets' addresses for each jail's protocol and ports, hung
/// from a chain `PREFIX-ipset` that INPUT jumps to once: the load command restores both.
package struct IpsetFile: FirewallFile {
    package let prefix: String

    package init(prefix: String = FirewallJail.defaultPrefix) { self.prefix = prefix }

    package var format: OutputFormat { .ipset }

    /// The chain the sets' rules hang from.
    var chain: String { prefix + "-" + FirewallJail.reservedToken }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] {
        let name = FirewallFileCheck.name(prefix)
        let set = "\(name)(-v6)?(-n)?"
        let family = "(?<family>#ip6?tables )"
        return FirewallFileCheck.compile([
            FirewallFileCheck.comment,
            "create \(set) hash:ip family inet6? hashsize [0-9]{1,10} maxelem [0-9]{1,10} timeout 0 -exist",
            "flush \(set)", "add \(set) (?<address>[0-9a-f:.]+) timeout [0-9]+ -exist", "swap \(set) \(set)", "destroy \(set)",
            "\(family)\\*filter", "\(family):\(chain) - \\[0:0\\]",
            "\(family)-A \(chain)( -p (tcp|udp|udplite|sctp|dccp)( -m multiport --dports [A-Za-z0-9_+.:,-]{1,400})?)? -m set --match-set \(set) src -j REJECT --reject-with icmp6?-port-unreachable",
            "\(family)COMMIT",
        ])
    }

    /// The smallest `maxelem` that holds `count` addresses: ipset's default, 65,536, or the
    /// next power of two. The same size gives the same set on every load (`create -exist`
    /// refuses a set of another size: a set that grew past a size is destroyed first, as
    /// the header says).
    static func maxElements(_ count: Int) -> Int {
        var size = 65_536
        while size < count { size *= 2 }
        return size
    }

    /// The shell command that loads the file at FILE: the sets, then the rules, then INPUT's
    /// jumps once.
    var load: String {
        var command = "ipset restore < FILE"
        for tool in ["iptables", "ip6tables"] {
            command += " && sed -n 's/^#\(tool) //p' FILE | \(tool)-restore --noflush"
        }
        for tool in ["iptables", "ip6tables"] { command += " && " + IptablesFile.jumpOnce(tool, to: chain) }
        return command
    }

    /// The shell command that takes everything the file loaded out again.
    func undo(_ jails: [FirewallJail]) -> String {
        var commands: [String] = []
        for tool in ["iptables", "ip6tables"] { commands += IptablesFile.unhook(tool, chain) }
        for jail in jails { commands += ["ipset destroy \(jail.set(ipv6: false))", "ipset destroy \(jail.set(ipv6: true))"] }
        return commands.joined(separator: "; ")
    }

    package func render(_ jails: [FirewallJail], time: FirewallTime) -> String {
        var out = FirewallJail.mapping(jails) { "sets \($0.set(ipv6: false)) and \($0.set(ipv6: true))" }
        out += "# failscan: load (FILE: this file; again to replace it): \(load)\n"
        out += "# failscan: undo: \(undo(jails))\n"
        out += time.header(expiry: "each address's timeout is what its ban has left, counted from the load (0: permanent)")
        out +=
            "# failscan: a set's maxelem is 65536 or the next power of two above its addresses; to load a file whose set is larger than the loaded one's, run the undo first\n"
        var rules: [Bool: [String]] = [false: [], true: []]
        for jail in jails {
            for ipv6 in [false, true] {
                let set = jail.set(ipv6: ipv6), fresh = set + "-n"
                let addresses = jail.bans(ipv6: ipv6, time: time)
                let family = ipv6 ? "inet6" : "inet"
                let size = Self.maxElements(addresses.count)
                // hashsize only starts the table (it grows); maxelem must match on -exist.
                let hash = min(1 << 20, max(1024, size / 4))
                out += "create \(set) hash:ip family \(family) hashsize 1024 maxelem \(size) timeout 0 -exist\n"
                out += "create \(fresh) hash:ip family \(family) hashsize \(hash) maxelem \(size) timeout 0 -exist\n"
                out += "flush \(fresh)\n"
                // ipset's largest timeout is 2,147,483 seconds (24 days): a longer ban is
                // kept that long, as fail2ban's ipset actions do.
                for (address, remaining) in addresses {
                    out += "add \(fresh) \(address) timeout \(remaining.map { min($0, 2_147_483) } ?? 0) -exist\n"
                }
                out += "swap \(fresh) \(set)\ndestroy \(fresh)\n"
                rules[ipv6]!.append(
                    "-A \(chain)\(jail.iptablesMatch) -m set --match-set \(set) src -j REJECT --reject-with \(ipv6 ? "icmp6" : "icmp")-port-unreachable"
                )
            }
        }
        for ipv6 in [false, true] {
            let tag = ipv6 ? "#ip6tables " : "#iptables "
            out += tag + "*filter\n" + tag + ":\(chain) - [0:0]\n"
            for rule in rules[ipv6]! { out += tag + rule + "\n" }
            out += tag + "COMMIT\n"
        }
        return out
    }
}
