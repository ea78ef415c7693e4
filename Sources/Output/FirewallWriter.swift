import Analyzer
import Foundation

/// One firewall's file: what a consumer (iptables-restore, ipset, nft, firewalld,
/// CrowdSec) loads, made from jails whose names, protocols and ports were checked
/// (``FirewallJail``). A new firewall is one conformance in a file of its own and a case of
/// ``OutputFormat``.
package protocol FirewallFile: Sendable {
    /// The format, as messages name it.
    var format: OutputFormat { get }
    /// The shapes every line of the file has (checked by ``FirewallFileCheck`` before the
    /// file is written: a line of another shape is a bug, and the file is refused).
    var shapes: [NSRegularExpression] { get }
    /// The prefix of its names (chains, sets, table): `failscan` unless `--name-prefix`.
    var prefix: String { get }
    /// The file for `jails`: the bans `time` keeps, each expiring as `time` says.
    func render(_ jails: [FirewallJail], time: FirewallTime) -> String
}

/// The writer of every ``FirewallFile``: the jails checked, the file rendered and checked
/// line by line against the shapes failscan writes, then delivered.
package struct FirewallWriter<File: FirewallFile>: JailRendering {
    let file: File

    package init(_ file: File) { self.file = file }

    package func render(_ results: [JailResult], settings: OutputSettings) throws(OutputError) -> String {
        do {
            var jails: [FirewallJail] = []
            for result in results { jails.append(try FirewallJail(result, prefix: file.prefix)) }
            try FirewallJail.checkDistinct(jails)
            let text = file.render(jails, time: FirewallTime.chosen(settings, results))
            try FirewallFileCheck.verify(text, format: file.format, shapes: file.shapes)
            return text
        } catch {
            throw .firewall(error)
        }
    }
}

extension RenderedWriter {
    /// The writer of a firewall file.
    package convenience init<File: FirewallFile>(firewall file: File, _ settings: OutputSettings) {
        self.init(FirewallWriter(file), settings)
    }
}
