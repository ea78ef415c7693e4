import Analyzer
import Fail2banConfig
import Foundation

/// Renders jail results for their consumers: people, scripts, iptables-restore,
/// ipset restore and nft -f.
public enum JailWriter {
    /// - Parameter activeAt: keep only bans whose bantime has not run out at that time.
    /// - Throws: `FirewallError` when a jail's values do not fit a firewall format; the
    ///   firewall text is also checked line by line against the shapes failscan writes.
    public static func render(_ results: [JailResult], format: OutputFormat, activeAt: Int? = nil) throws(FirewallError) -> String {
        switch format {
        case .list:
            var seen = Set<IPAddress>()
            var out = ""
            let all = results.flatMap { $0.banned(ipv6: false, activeAt: activeAt) + $0.banned(ipv6: true, activeAt: activeAt) }
                .filter(\.isBannable).sorted()
            for address in all where seen.insert(address).inserted { out += "\(address)\n" }
            return out
        case .json:
            var out: [UInt8] = []
            for row in rows(results) {
                row.writeJSON(to: &out)
                out.append(10)
            }
            return String(decoding: out, as: UTF8.self)
        case .csv:
            var out = "ip,jail,failures,first,last,banned,bans,until,failregex_hits\n"
            for row in rows(results) {
                let hits = row.failregex.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                out +=
                    "\(csv(row.ip)),\(csv(row.jail)),\(row.failures),\(row.first),\(row.last),\(row.banned),\(row.bans.map(String.init).joined(separator: " ")),\(row.until.map(String.init).joined(separator: " ")),\(hits)\n"
            }
            return out
        case .iptables, .ip6tables, .ipset, .nft, .firewalld, .crowdsec:
            var jails: [FirewallJail] = []
            for result in results { jails.append(try FirewallJail(result)) }
            try FirewallJail.checkDistinct(jails)
            let text: String
            switch format {
            case .ipset: text = ipset(jails, activeAt: activeAt)
            case .nft: text = nft(jails, activeAt: activeAt)
            case .firewalld: text = firewalld(jails, activeAt: activeAt)
            case .crowdsec: text = crowdsec(jails, activeAt: activeAt)
            default: text = iptables(jails, ipv6: format == .ip6tables, activeAt: activeAt)
            }
            try FirewallFileCheck.verify(text, format: format)
            return text
        case .fail2banDB, .sqlite, .html:
            preconditionFailure("databases are written by Fail2banDatabaseWriter and SQLiteReport, reports by HTMLReport")
        }
    }

    /// Every record of every jail as a row, jail by jail, ids in order.
    public static func rows(_ results: [JailResult]) -> [JailRow] {
        results.flatMap { result in result.records.map { JailRow($0, jail: result.jail.name) } }
    }

    static func csv(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// Addresses that were banned but that no firewall file holds (unspecified, loopback,
    /// multicast, reserved): how many, and one for the message.
    public static func unbannable(_ results: [JailResult]) -> (count: Int, example: IPAddress?) {
        let all = results.flatMap { $0.banned(ipv6: false) + $0.banned(ipv6: true) }.filter { !$0.isBannable }
        return (all.count, all.first)
    }

    /// Shaped like fail2ban's iptables-multiport action: a chain `f2b-<jail>` per jail,
    /// jumped to from INPUT for the jail's ports and protocol.
    static func iptables(_ jails: [FirewallJail], ipv6: Bool, activeAt: Int?) -> String {
        FirewallJail.mapping(jails) { "chain f2b-\($0.token)" }
            + IptablesRestoreWriter.render(
                jails.map { jail in
                    IptablesRestoreWriter.Chain(
                        name: "f2b-" + jail.token, proto: jail.proto, ports: jail.ports,
                        addresses: jail.addresses(ipv6: ipv6, activeAt: activeAt))
                }, ipv6: ipv6)
    }

    /// `ipset restore` input: hash:ip sets per jail and family, timeouts from bantime
    /// (0, ipset's "forever", for a permanent ban).
    static func ipset(_ jails: [FirewallJail], activeAt: Int?) -> String {
        var out = "# failscan: load: ipset restore < this file; undo: ipset destroy f2b-<jail> and f2b-<jail>-v6 for each jail below\n"
        out += FirewallJail.mapping(jails) { "sets f2b-\($0.token) and f2b-\($0.token)-v6" }
        for jail in jails {
            let banTime = jail.result.jail.banTime
            let timeout = banTime < 0 ? 0 : min(banTime, 2_147_483)
            for ipv6 in [false, true] {
                let set = "f2b-" + jail.token + (ipv6 ? "-v6" : "")
                out += "create \(set) hash:ip family \(ipv6 ? "inet6" : "inet") timeout \(timeout) -exist\n"
                for address in jail.addresses(ipv6: ipv6, activeAt: activeAt) {
                    out += "add \(set) \(address) timeout \(timeout) -exist\n"
                }
            }
        }
        return out
    }

    /// An `nft -f` file: one table with a v4 and a v6 set per jail and drop rules for
    /// the jail's protocol and ports, as fail2ban's nftables action matches them
    /// (`<proto> dport { ports }`, ranges with `-`; `meta l4proto` for all ports).
    static func nft(_ jails: [FirewallJail], activeAt: Int?) -> String {
        var out = "#!/usr/sbin/nft -f\n"
        out += "# failscan: load: nft -f this file; undo: nft delete table inet failscan\n"
        out += FirewallJail.mapping(jails) { "sets addr-set-\($0.nftToken) and addr6-set-\($0.nftToken)" }
        out += "table inet failscan {\n"
        for jail in jails {
            for ipv6 in [false, true] {
                let addresses = jail.addresses(ipv6: ipv6, activeAt: activeAt)
                out += "    set \(ipv6 ? "addr6" : "addr")-set-\(jail.nftToken) {\n        type \(ipv6 ? "ipv6_addr" : "ipv4_addr")\n"
                if !addresses.isEmpty { out += "        elements = { \(addresses.map(\.description).joined(separator: ", ")) }\n" }
                out += "    }\n"
            }
        }
        out += "    chain input {\n        type filter hook input priority -1; policy accept;\n"
        for jail in jails {
            var match = ""
            switch (jail.proto, jail.ports) {
            case (let proto?, let ports?):
                match = " \(proto) dport { \(ports.map { $0.replacingOccurrences(of: ":", with: "-") }.joined(separator: ", ")) }"
            case (let proto?, nil): match = " meta l4proto \(proto)"
            case (nil, _): break
            }
            out += "        ip saddr @addr-set-\(jail.nftToken)\(match) drop\n        ip6 saddr @addr6-set-\(jail.nftToken)\(match) drop\n"
        }
        return out + "    }\n}\n"
    }

    /// firewalld, as fail2ban's firewallcmd-rich-rules and firewallcmd-ipset actions
    /// reject: per jail and family an ipset `f2b-<jail>` (`-v6`) and a rich rule rejecting
    /// its sources for the jail's protocol and ports, all `--permanent`, then a reload.
    static func firewalld(_ jails: [FirewallJail], activeAt: Int?) -> String {
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
                        "rule family=\(family) source ipset=\(set) port port=\(Self.firewalldPort(port)) protocol=\(proto) reject"
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
    static func firewalldPort(_ port: String) -> String {
        if port.first?.isNumber == true { return port.replacingOccurrences(of: ":", with: "-") }
        if let entry = getservbyname(port, "tcp") { return String(UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.pointee.s_port))) }
        return port
    }

    /// CrowdSec's import CSV: per banned address a ban decision for the jail's bantime (or,
    /// with --active-at, what is left of the ban then; ten years for a permanent one),
    /// reason `failscan-<jail>`. Load: `cscli decisions import -i FILE`; undo:
    /// `cscli decisions delete --scenario failscan-<jail>`.
    static func crowdsec(_ jails: [FirewallJail], activeAt: Int?) -> String {
        var out = "duration,reason,scope,type,value\n"
        for jail in jails {
            let banTime = jail.result.jail.banTime
            let ends = Dictionary(
                jail.result.records.compactMap { record in record.id.address.map { ($0, record.banEnds.last ?? 0) } },
                uniquingKeysWith: { a, _ in a })
            for ipv6 in [false, true] {
                for address in jail.addresses(ipv6: ipv6, activeAt: activeAt) {
                    var seconds = banTime < 0 ? 87_600 * 3600 : banTime
                    if let activeAt, let end = ends[address] { seconds = end == Int.max ? 87_600 * 3600 : end - activeAt }
                    out += "\(max(seconds, 1))s,failscan-\(jail.token),ip,ban,\(address)\n"
                }
            }
        }
        return out
    }
}
