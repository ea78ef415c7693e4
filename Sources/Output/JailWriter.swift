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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = ""
            for row in rows(results) {
                // Encoding plain values, strings and integers, cannot fail.
                out += String(decoding: (try? encoder.encode(row)) ?? Data(), as: UTF8.self) + "\n"
            }
            return out
        case .csv:
            var out = "ip,jail,failures,first,last,banned,bans,until,failregex_hits\n"
            for row in rows(results) {
                let hits = row.failregex.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                out +=
                    "\(csv(row.ip)),\(csv(row.jail)),\(row.failures),\(row.first),\(row.last),\(row.banned),\(row.bans.map(String.init).joined(separator: " ")),\(row.until.map(String.init).joined(separator: " ")),\(hits)\n"
            }
            return out
        case .iptables, .ip6tables, .ipset, .nft:
            var jails: [FirewallJail] = []
            for result in results { jails.append(try FirewallJail(result)) }
            try FirewallJail.checkDistinct(jails)
            let text: String
            switch format {
            case .ipset: text = ipset(jails, activeAt: activeAt)
            case .nft: text = nft(jails, activeAt: activeAt)
            default: text = iptables(jails, ipv6: format == .ip6tables, activeAt: activeAt)
            }
            try FirewallFileCheck.verify(text, format: format)
            return text
        case .fail2banDB:
            preconditionFailure("fail2ban-db is written by Fail2banDatabaseWriter")
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
        var out = FirewallJail.mapping(jails) { "sets f2b-\($0.token) and f2b-\($0.token)-v6" }
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

    /// An `nft -f` file: one table with a v4 and a v6 set per jail and drop rules.
    static func nft(_ jails: [FirewallJail], activeAt: Int?) -> String {
        var out = "#!/usr/sbin/nft -f\n"
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
            out += "        ip saddr @addr-set-\(jail.nftToken) drop\n        ip6 saddr @addr6-set-\(jail.nftToken) drop\n"
        }
        return out + "    }\n}\n"
    }
}
