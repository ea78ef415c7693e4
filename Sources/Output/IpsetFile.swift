import Analyzer
import Fail2banConfig
import Foundation

/// `ipset restore` input: hash:ip sets per jail and family, timeouts from bantime (0,
/// ipset's "forever", for a permanent ban).
package struct IpsetFile: FirewallFile {
    package init() {}

    package var format: OutputFormat { .ipset }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] { Self.shapes }
    static let shapes = FirewallFileCheck.compile([
        FirewallFileCheck.comment, "create f2b-\(FirewallFileCheck.name)(-v6)? hash:ip family inet6? timeout [0-9]+ -exist",
        "add f2b-\(FirewallFileCheck.name)(-v6)? (?<address>[0-9a-f:.]+) timeout [0-9]+ -exist",
    ])

    package func render(_ jails: [FirewallJail], activeAt: Int?) -> String {
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
}
