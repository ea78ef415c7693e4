import Analyzer
import Fail2banConfig
import Foundation

/// CrowdSec's import CSV: per ban running at the file's time (``FirewallTime``) a ban
/// decision for what is left of it (ten years for a permanent one, and for every ban with
/// `--all-bans`), reason `PREFIX-<jail>`. Load: `cscli decisions import -i FILE`; undo:
/// `cscli decisions delete --scenario PREFIX-<jail>`.
/// With `json`, the same decisions as the JSON array the import also reads (a file named
/// `.json`, or `--format json`).
package struct CrowdsecFile: FirewallFile {
    package let prefix: String
    /// The JSON array rather than CSV.
    let json: Bool

    package init(prefix: String = FirewallJail.defaultPrefix, json: Bool = false) {
        self.prefix = prefix
        self.json = json
    }

    package var format: OutputFormat { json ? .crowdsecJSON : .crowdsec }

    /// Every line of the file has one of these shapes.
    package var shapes: [NSRegularExpression] {
        let name = FirewallFileCheck.name(prefix)
        if json {
            return FirewallFileCheck.compile([
                "\\[", "\\]",
                #"\{"duration":"[0-9]{1,12}s","reason":""# + name + #"","scope":"ip","type":"ban","value":"(?<address>[0-9a-f:.]+)"\},?"#,
            ])
        }
        return FirewallFileCheck.compile(["duration,reason,scope,type,value", "[0-9]{1,12}s,\(name),ip,ban,(?<address>[0-9a-f:.]+)"])
    }

    package func render(_ jails: [FirewallJail], time: FirewallTime) -> String {
        // What is left of each ban; ten years for a permanent one (or every ban, --all-bans).
        let decisions = jails.flatMap { jail in
            [false, true].flatMap { ipv6 in
                jail.bans(ipv6: ipv6, time: time).map { (duration: $0.remaining ?? 87_600 * 3600, reason: jail.chain, address: $0.address) }
            }
        }
        guard json else {
            return "duration,reason,scope,type,value\n" + decisions.map { "\($0.duration)s,\($0.reason),ip,ban,\($0.address)\n" }.joined()
        }
        let rows = decisions.enumerated().map { index, d in
            #"{"duration":"\#(d.duration)s","reason":"\#(d.reason)","scope":"ip","type":"ban","value":"\#(d.address)"}"#
                + (index + 1 < decisions.count ? "," : "") + "\n"
        }
        return "[\n" + rows.joined() + "]\n"
    }
}
