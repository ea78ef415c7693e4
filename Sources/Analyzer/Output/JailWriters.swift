import Foundation

/// A jail's decisions with what its firewall output needs.
public struct JailResult: Sendable {
    public let jail: JailConfig
    public let records: [JailRecord]

    public init(jail: JailConfig, records: [JailRecord]) {
        self.jail = jail
        self.records = records
    }

    /// Banned addresses of one family, canonical and unique, in address order.
    func banned(ipv6: Bool, activeAt: Int?) -> [IPAddress] {
        records.filter { record in
            guard record.banned else { return false }
            guard let at = activeAt else { return true }
            return record.bans.contains { start in jail.banTime < 0 || (start <= at && at < start + jail.banTime) }
        }.compactMap(\.id.address).filter { $0.isIPv4 != ipv6 }
    }
}

/// The output formats of `failscan jails`.
public enum JailFormat: String, CaseIterable, Sendable {
    case list, json, csv, iptables, ip6tables, ipset, nft
    /// A fail2ban sqlite database (written with Fail2banDatabaseWriter, needs --output).
    case fail2banDB = "fail2ban-db"
}

/// Renders jail results for their consumers: people, scripts, iptables-restore,
/// ipset restore and nft -f.
public enum JailWriter {
    /// - Parameter activeAt: keep only bans whose bantime has not run out at that time.
    public static func render(_ results: [JailResult], format: JailFormat, activeAt: Int? = nil) -> String {
        switch format {
        case .list:
            var seen = Set<IPAddress>()
            var out = ""
            let all = results.flatMap { $0.banned(ipv6: false, activeAt: activeAt) + $0.banned(ipv6: true, activeAt: activeAt) }.sorted()
            for address in all where seen.insert(address).inserted { out += "\(address)\n" }
            return out
        case .json:
            return results.flatMap { result in result.records.map { record in
                let hits = record.hits.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
                return "{\"ip\":\(BanListWriter.jsonString(record.id.description)),\"jail\":\(BanListWriter.jsonString(result.jail.name)),\"failures\":\(record.failures),\"first\":\(record.first),\"last\":\(record.last),\"banned\":\(record.banned),\"bans\":[\(record.bans.map(String.init).joined(separator: ","))],\"failregex\":{\(hits)}}\n"
            } }.joined()
        case .csv:
            var out = "ip,jail,failures,first,last,banned,bans,failregex_hits\n"
            for result in results {
                for record in result.records {
                    let hits = record.hits.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                    out += "\(csv(record.id.description)),\(csv(result.jail.name)),\(record.failures),\(record.first),\(record.last),\(record.banned),\(record.bans.map(String.init).joined(separator: " ")),\(hits)\n"
                }
            }
            return out
        case .iptables, .ip6tables:
            return iptables(results, ipv6: format == .ip6tables, activeAt: activeAt)
        case .ipset:
            return ipset(results, activeAt: activeAt)
        case .nft:
            return nft(results, activeAt: activeAt)
        case .fail2banDB:
            return ""
        }
    }

    static func csv(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// fail2ban's firewall chains are `f2b-<jail>`; iptables allows 28 characters.
    static func chain(_ jail: String) -> String { String(("f2b-" + jail).prefix(28)) }

    /// Shaped like fail2ban's iptables-multiport action: a chain per jail, jumped to from
    /// INPUT for the jail's ports and protocol.
    static func iptables(_ results: [JailResult], ipv6: Bool, activeAt: Int?) -> String {
        IptablesRestoreWriter.render(results.map { result in
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
