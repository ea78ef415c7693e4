import Analyzer
import Fail2banConfig
import Foundation

/// CrowdSec's import CSV: per banned address a ban decision for the jail's bantime (or,
/// with --active-at, what is left of the ban then; ten years for a permanent one), reason
/// `failscan-<jail>`. Load: `cscli decisions import -i FILE`; undo: `cscli decisions delete
/// --scenario failscan-<jail>`.
package struct CrowdsecFile: FirewallFile {
    package init() {}

    package var format: OutputFormat { .crowdsec }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] { Self.shapes }
    static let shapes = FirewallFileCheck.compile([
        "duration,reason,scope,type,value", "[0-9]{1,12}s,failscan-\(FirewallFileCheck.name),ip,ban,(?<address>[0-9a-f:.]+)",
    ])

    package func render(_ jails: [FirewallJail], activeAt: Int?) -> String {
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
