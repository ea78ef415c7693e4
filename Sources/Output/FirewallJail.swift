import Analyzer
import Fail2banConfig
import Foundation
import LogSource

/// A firewall file that cannot be written safely: a jail's port or protocol outside the
/// target's grammar, names that would collide. Nothing from configuration or logs is ever
/// copied into a firewall file unchecked.
package struct FirewallError: Error, Sendable, CustomStringConvertible {
    package let jail: String
    package let reason: String

    package var description: String { jail.isEmpty ? reason : "[\(FirewallJail.printable(jail))] \(reason)" }
}

/// What a firewall file may say about one jail: names that fit every target's grammar and
/// map jails injectively, the protocol and the ports checked, the addresses that may be
/// banned.
package struct FirewallJail: Sendable {
    package let result: JailResult
    /// The names' prefix (`failscan`; `--name-prefix`): never fail2ban's `f2b`.
    package let prefix: String
    /// A name of `[A-Za-z0-9_-]`, at most 25 bytes less the prefix's: `PREFIX-<token>` is
    /// an iptables chain (28 bytes at most), `PREFIX-<token>-v6-n` an ipset set (31).
    package let token: String
    /// The same for nft set names (`[A-Za-z0-9_-]`, hyphens kept as nft takes them), up to 48 bytes.
    package let nftToken: String
    /// `tcp`, `udp`, `udplite`, `sctp`, `dccp`, or nil for every protocol.
    package let proto: String?
    /// Ports and ranges for `--dports` (at most 15, a range counting 2), or nil for all.
    package let ports: [String]?

    /// The jail's values checked against the targets' grammars.
    /// - Throws: `FirewallError` naming the jail and the value.
    init(_ result: JailResult, prefix: String = FirewallJail.defaultPrefix) throws(FirewallError) {
        self.result = result
        self.prefix = prefix
        let jail = result.jail
        token = Self.token(
            jail.name, allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }, maxLength: 25 - prefix.utf8.count)
        nftToken = Self.token(jail.name, allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }, maxLength: 48)
        (proto, ports) = try Self.protocolAndPorts(jail)
    }

    /// A jail's `protocol` and `port` as the firewall targets read them: the protocol (nil:
    /// every protocol) and the ports and ranges for `--dports` (nil: every port).
    /// - Throws: `FirewallError` naming the jail and the value outside the grammar.
    package static func protocolAndPorts(_ jail: JailConfig) throws(FirewallError) -> (proto: String?, ports: [String]?) {
        let proto = jail.protocol.trimmingCharacters(in: .whitespaces).lowercased()
        let portText = jail.port.trimmingCharacters(in: .whitespaces)
        let allPorts = ["", "0:65535", "1:65535", "all", "any"].contains(portText.lowercased())
        switch proto {
        case "all": return (nil, nil)
        case "tcp", "udp", "udplite", "sctp", "dccp": break
        default:
            throw FirewallError(
                jail: jail.name, reason: "protocol = \(Self.printable(jail.protocol)) is not one of tcp, udp, udplite, sctp, dccp, all")
        }
        if allPorts { return (proto, nil) }
        var list: [String] = []
        var count = 0
        for raw in portText.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingCharacters(in: .whitespaces)
            guard let port = Self.port(item, proto: proto) else {
                throw FirewallError(
                    jail: jail.name,
                    reason:
                        "port \(Self.printable(item)) in port = \(Self.printable(jail.port)) is not a port number, range (n:m) or service name"
                )
            }
            list.append(port)
            count += port.contains(":") ? 2 : 1
        }
        guard count <= 15 else {
            throw FirewallError(
                jail: jail.name,
                reason:
                    "port = \(Self.printable(jail.port)) names more than 15 ports (a range counts 2): iptables' multiport cannot match them"
            )
        }
        return (proto, list)
    }

    /// The jail's protocol and ports as an iptables rule matches them (` -p tcp -m multiport
    /// --dports 22,2222`, ` -p tcp`, or nothing for every protocol): the iptables files'
    /// jumps and the ipset file's rules.
    var iptablesMatch: String {
        switch (proto, ports) {
        case (let proto?, let ports?): " -p \(proto) -m multiport --dports \(ports.joined(separator: ","))"
        case (let proto?, nil): " -p \(proto)"
        case (nil, _): ""
        }
    }

    /// What the jail's rules match, for the header: `tcp ports 22,80`, `tcp, every port`,
    /// `every protocol and port`.
    var matchDescription: String {
        switch (proto, ports) {
        case (let proto?, let ports?): "\(proto) port\(ports.count == 1 ? "" : "s") \(ports.joined(separator: ","))"
        case (let proto?, nil): "\(proto), every port"
        case (nil, _): "every protocol and port"
        }
    }

    /// The prefix of failscan's firewall names when none is given.
    package static let defaultPrefix = "failscan"

    /// Why `prefix` cannot prefix firewall names, or nil: letters, digits and `_`, a letter
    /// first, at most 12 bytes (a jail keeps 13 for its own), never fail2ban's `f2b`.
    package static func prefixProblem(_ prefix: String) -> String? {
        guard let first = prefix.first, first.isASCII, first.isLetter, prefix.utf8.count <= 12,
            prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return "a name prefix is 1 to 12 letters, digits or _, a letter first" }
        if prefix.lowercased().hasPrefix("f2b") { return "names starting with f2b are fail2ban's own: a preload must not touch them" }
        return nil
    }

    /// The jail's iptables chain (`PREFIX-<token>`).
    package var chain: String { prefix + "-" + token }

    /// The jail's ipset (or firewalld ipset) of one family: `PREFIX-<token>`, `-v6` for IPv6.
    package func set(ipv6: Bool) -> String { chain + (ipv6 ? "-v6" : "") }

    /// One port, range or service name as iptables reads it, or nil.
    static func port(_ text: String, proto: String) -> String? {
        func number(_ part: Substring) -> Int? {
            guard !part.isEmpty, part.count <= 5, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part).flatMap { $0 <= 65535 ? $0 : nil }
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let low = number(parts[0]), let high = number(parts[1]), low <= high { return "\(low):\(high)" }
        if parts.count == 1, let value = number(parts[0]) { return "\(value)" }
        // A service name iptables resolves through /etc/services.
        guard parts.count == 1, let first = text.first, first.isASCII, first.isLetter, text.count <= 32,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "+" || $0 == ".") }),
            getservbyname(text, proto == "udp" || proto == "udplite" ? "udp" : "tcp") != nil
        else { return nil }
        return text
    }

    /// `name` when it is made of `allowed` characters and fits `maxLength`; else its
    /// allowed prefix with `_` for the rest, cut to fit, and 8 hex digits of a hash of the
    /// whole name: distinct jail names never share a chain or a set.
    static func token(_ name: String, allowed: (Character) -> Bool, maxLength: Int) -> String {
        if !name.isEmpty, name.count <= maxLength, name.allSatisfy(allowed) { return name }
        let suffix = String(String(FNV1a.hash(name.utf8), radix: 16).suffix(8)).leftPadded(to: 8)
        let head = String(name.map { allowed($0) ? $0 : "_" }.prefix(maxLength - 9))
        return head + "_" + suffix
    }

    /// `text` for a comment or a message: letters, digits and `_.,:/@+=-` and spaces as
    /// they are, anything else (quotes, `$`, `\\`, control bytes, non-ASCII) as `\xNN`.
    static func printable(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || " _.,:/@+=-".contains(c) {
                out.append(c)
            } else {
                out += String(format: "\\x%02x", byte)
            }
        }
        return out
    }

    /// The jail's banned addresses of one family that a firewall may hold (those `time`
    /// keeps).
    package func addresses(ipv6: Bool, time: FirewallTime) -> [IPAddress] {
        result.banned(ipv6: ipv6, activeAt: time.activeAt).filter(\.isBannable)
    }

    /// The same, each with the seconds its ban has left at `time` (nil: permanent).
    package func bans(ipv6: Bool, time: FirewallTime) -> [(address: IPAddress, remaining: Int?)] {
        var ends: [IPAddress: Int] = [:]
        for record in result.records where record.banned {
            guard let address = record.id.address else { continue }
            let running = time.activeAt.flatMap { at in Array(zip(record.bans, record.banEnds)).last { $0.0 <= at && at <= $0.1 }?.1 }
            ends[address] = running ?? record.banEnds.last ?? Int.max
        }
        return addresses(ipv6: ipv6, time: time).map { ($0, time.remaining(end: ends[$0] ?? Int.max)) }
    }

    /// The chain an ipset file's rules hang from (`PREFIX-ipset`): no jail's token may be `ipset`.
    static let reservedToken = "ipset"

    /// Checks `jails` for names two of them would share, or a jail's with failscan's own.
    static func checkDistinct(_ jails: [FirewallJail]) throws(FirewallError) {
        var seen: [String: String] = [:]
        for jail in jails {
            if jail.token == reservedToken {
                throw FirewallError(
                    jail: jail.result.jail.name,
                    reason: "maps to \(jail.prefix)-\(reservedToken), the chain of an ipset file's rules; rename the jail")
            }
            for key in ["t:" + jail.token, "n:" + jail.nftToken] {
                if let other = seen[key], other != jail.result.jail.name {
                    throw FirewallError(
                        jail: jail.result.jail.name, reason: "maps to the same firewall name as [\(printable(other))]; rename one jail")
                }
                seen[key] = jail.result.jail.name
            }
        }
    }

    /// Comment lines that say which jail became which name.
    static func mapping(_ jails: [FirewallJail], name: (FirewallJail) -> String) -> String {
        jails.map { "# failscan: jail [\(printable($0.result.jail.name))] (\($0.matchDescription)) -> \(name($0))\n" }.joined()
    }
}
