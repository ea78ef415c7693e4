import Analyzer
import Fail2banConfig
import Foundation

/// CrowdSec's import CSV: per ban running at the file's time (``FirewallTime``) a ban
/// decision for what is left of it (ten years for a permanent one, and for every ban with
/// `--all-bans`), reason `PREFIX-<jail>`. Load: `cscli decisions import -i FILE`; undo:
/// `cscli decisions delete --scenario PREFIX-<jail>`.
package struct CrowdsecFile: FirewallFile {
    package let prefix: String

    package init(prefix: String = FirewallJail.defaultPrefix) { self.prefix = prefix }

    package var format: OutputFormat { .crowdsec }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] {
        FirewallFileCheck.compile([
            "duration,reason,scope,type,value", "[0-9]{1,12}s,\(FirewallFileCheck.name(prefix)),ip,ban,(?<address>[0-9a-f:.]+)",
        ])
    }

    package func render(_ jails: [FirewallJail], time: FirewallTime) -> String {
        var out = "duration,reason,scope,type,value\n"
        for jail in jails {
            for ipv6 in [false, true] {
                // What is left of each ban; ten years for a permanent one (or every ban, --all-bans).
                for (address, remaining) in jail.bans(ipv6: ipv6, time: time) {
                    out += "\(remaining ?? 87_600 * 3600)s,\(jail.chain),ip,ban,\(address)\n"
                }
            }
        }
        return out
    }
}
