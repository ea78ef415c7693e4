import Analyzer
import Foundation

/// The last look at a firewall file before it is written: every line must have one of
/// the shapes failscan's writers produce, names from the safe alphabet, addresses
/// canonical and bannable. A line that does not is a bug, and the file is refused.
enum FirewallFileCheck {
    static let name = "[A-Za-z0-9_-]{1,24}"
    static let nftName = "[A-Za-z0-9_]{1,48}"
    static let comment = #"# failscan: [ -~]*"#

    static let shapes: [OutputFormat: [NSRegularExpression]] = [
        .iptables: iptables(ipv6: false), .ip6tables: iptables(ipv6: true),
        .ipset: compile([
            comment, "create f2b-\(name)(-v6)? hash:ip family inet6? timeout [0-9]+ -exist",
            "add f2b-\(name)(-v6)? (?<address>[0-9a-f:.]+) timeout [0-9]+ -exist",
        ]),
        .nft: compile([
            "#!/usr/sbin/nft -f", comment, "table inet failscan \\{", "    set addr6?-set-\(nftName) \\{",
            "        type ipv[46]_addr", "        elements = \\{ (?<addresses>[0-9a-f:., ]+) \\}", "    \\}", "\\}",
            "    chain input \\{", "        type filter hook input priority -1; policy accept;",
            "        ip6? saddr @addr6?-set-\(nftName)( (tcp|udp|udplite|sctp|dccp) dport \\{ [A-Za-z0-9_+., -]{1,400} \\}| meta l4proto (tcp|udp|udplite|sctp|dccp))? drop",
        ]),
        .firewalld: compile([
            "#!/bin/sh", comment, "#   firewall-cmd [ -~]*", "set -e", "firewall-cmd --reload",
            "firewall-cmd --permanent --new-ipset=f2b-\(name)(-v6)? --type=hash:ip --option=family=inet6?",
            "entries=\\$\\(mktemp\\)", "cat > \"\\$entries\" <<'EOF'", "(?<address>[0-9a-f:.]+)", "EOF", "rm -f \"\\$entries\"",
            "firewall-cmd --permanent --ipset=f2b-\(name)(-v6)? --add-entries-from-file=\"\\$entries\"",
            "firewall-cmd --permanent --add-rich-rule='rule family=ipv[46] source ipset=f2b-\(name)(-v6)?( port port=[0-9]{1,5}(-[0-9]{1,5})? protocol=(tcp|udp|udplite|sctp|dccp)| protocol value=(tcp|udp|udplite|sctp|dccp))? reject'",
        ]),
        .crowdsec: compile([
            "duration,reason,scope,type,value", "[0-9]{1,12}s,failscan-\(name),ip,ban,(?<address>[0-9a-f:.]+)",
        ]),
    ]

    static func iptables(ipv6: Bool) -> [NSRegularExpression] {
        let reject = ipv6 ? "icmp6-port-unreachable" : "icmp-port-unreachable"
        return compile([
            comment, "\\*filter", ":f2b-\(name) - \\[0:0\\]",
            "-I INPUT( -p (tcp|udp|udplite|sctp|dccp)( -m multiport --dports [A-Za-z0-9_+.:,-]{1,400})?)? -j f2b-\(name)",
            "-A f2b-\(name) -s (?<address>[0-9a-f:.]+) -j REJECT --reject-with \(reject)", "-A f2b-\(name) -j RETURN", "COMMIT",
        ])
    }

    static func compile(_ patterns: [String]) -> [NSRegularExpression] {
        // The patterns are constants of this file.
        patterns.map { try! NSRegularExpression(pattern: "^" + $0 + "$") }
    }

    /// - Throws: `FirewallError` naming the first line that is not of failscan's shapes.
    static func verify(_ text: String, format: OutputFormat) throws(FirewallError) {
        guard let shapes = shapes[format] else { return }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let line = String(line)
            let range = NSRange(line.startIndex..., in: line)
            guard let match = shapes.lazy.compactMap({ $0.firstMatch(in: line, range: range) }).first else {
                throw FirewallError(
                    jail: "",
                    reason: "\(format.rawValue) line \(number + 1) is not of a shape failscan writes: \(FirewallJail.printable(line))")
            }
            var addresses: [Substring] = []
            for group in ["address", "addresses"] {
                let r = match.range(withName: group)
                if r.location != NSNotFound, let span = Range(r, in: line) {
                    addresses += line[span].split(separator: ",").map { $0.drop { $0 == " " } }
                }
            }
            for text in addresses {
                guard let address = IPAddress(String(text)), address.description == text, address.isBannable else {
                    throw FirewallError(
                        jail: "", reason: "\(format.rawValue) line \(number + 1): \(text) is not a canonical, bannable address")
                }
            }
        }
    }
}
