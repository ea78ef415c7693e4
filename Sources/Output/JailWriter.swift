import Analyzer
import Fail2banConfig
import Foundation

/// Renders jail results for their consumers: people, scripts, iptables-restore,
/// ipset restore and nft -f.
public enum JailWriter {
    /// - Parameter activeAt: keep only bans whose bantime has not run out at that time.
    public static func render(_ results: [JailResult], format: OutputFormat, activeAt: Int? = nil) -> String {
        switch format {
        case .list:
            var seen = Set<IPAddress>()
            var out = ""
            let all = results.flatMap { $0.banned(ipv6: false, activeAt: activeAt) + $0.banned(ipv6: true, activeAt: activeAt) }.sorted()
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
            var out = "ip,jail,failures,first,last,banned,bans,failregex_hits\n"
            for row in rows(results) {
                let hits = row.failregex.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                out +=
                    "\(csv(row.ip)),\(csv(row.jail)),\(row.failures),\(row.first),\(row.last),\(row.banned),\(row.bans.map(String.init).joined(separator: " ")),\(hits)\n"
            }
            return out
        case .iptables, .ip6tables:
            return iptables(results, ipv6: format == .ip6tables, activeAt: activeAt)
        case .ipset:
            return ipset(results, activeAt: activeAt)
        case .nft:
            return nft(results, activeAt: activeAt)
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

    /// fail2ban's firewall chains are `f2b-<jail>`; iptables allows 28 characters.
    static func chain(_ jail: String) -> String { String(("f2b-" + jail).prefix(28)) }

    /// Shaped like fail2ban's iptables-multiport action: a chain per jail, jumped to from
    /// INPUT for the jail's ports and protocol.
    static func iptables(_ results: [JailResult], ipv6: Bool, activeAt: Int?) -> String {
        IptablesRestoreWriter.render(
            results.map { result in
                IptablesRestoreWriter.Chain(
                    name: chain(result.jail.name),
                    protocolAndPorts: (result.jail.protocol.lowercased(), result.jail.port.replacingOccurrences(of: " ", with: "")),
                    addresses: result.banned(ipv6: ipv6, activeAt: activeAt))
            }, ipv6: ipv6)
    }

    /// `ipset restore` input: hash:ip sets per jail and family, timeouts from bantime
    /// (0, ipset's "forever", for a permanent ban).
    static func ipset(_ results: [JailResult], activeAt: Int?) -> String {
        var out = ""
        for result in results {
            let timeout = result.jail.banTime < 0 ? 0 : min(result.jail.banTime, 2_147_483)
            for ipv6 in [false, true] {
                let set = chain(result.jail.name) + (ipv6 ? "-v6" : "")
                out += "create \(set) hash:ip family \(ipv6 ? "inet6" : "inet") timeout \(timeout) -exist\n"
                for address in result.banned(ipv6: ipv6, activeAt: activeAt) {
                    out += "add \(set) \(address) timeout \(timeout) -exist\n"
                }
            }
        }
        return out
    }

    /// An `nft -f` file: one table with a v4 and a v6 set per jail and drop rules.
    static func nft(_ results: [JailResult], activeAt: Int?) -> String {
        var out = "#!/usr/sbin/nft -f\n# failscan\ntable inet failscan {\n"
        for result in results {
            let base = result.jail.name.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            for ipv6 in [false, true] {
                let addresses = result.banned(ipv6: ipv6, activeAt: activeAt)
                out += "    set \(ipv6 ? "addr6" : "addr")-set-\(base) {\n        type \(ipv6 ? "ipv6_addr" : "ipv4_addr")\n"
                if !addresses.isEmpty { out += "        elements = { \(addresses.map(\.description).joined(separator: ", ")) }\n" }
                out += "    }\n"
            }
        }
        out += "    chain input {\n        type filter hook input priority -1; policy accept;\n"
        for result in results {
            let base = result.jail.name.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            out += "        ip saddr @addr-set-\(base) drop\n        ip6 saddr @addr6-set-\(base) drop\n"
        }
        return out + "    }\n}\n"
    }
}
