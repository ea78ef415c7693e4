import Analyzer
import Fail2banConfig
import Foundation

/// The records for people and scripts: the banned addresses as a list, or one row per id
/// and jail (``JailRow``) as JSON Lines or CSV.
package struct JailText: JailRendering {
    package enum Style: Sendable {
        /// Banned addresses, one per line, each once.
        case list
        /// One ``JailRow`` a line.
        case json
        /// The same fields as `json`, with a header line.
        case csv
    }

    let style: Style

    package init(_ style: Style) { self.style = style }

    package func render(_ results: [JailResult], settings: OutputSettings) -> String {
        let activeAt = settings.activeAt
        switch style {
        case .list:
            var seen = Set<IPAddress>()
            var out = ""
            let all = results.flatMap { $0.banned(ipv6: false, activeAt: activeAt) + $0.banned(ipv6: true, activeAt: activeAt) }
                .filter(\.isBannable).sorted()
            for address in all where seen.insert(address).inserted { out += "\(address)\n" }
            return out
        case .json:
            var out: [UInt8] = []
            for row in Self.rows(results) {
                row.writeJSON(to: &out, iso: settings.isoTimes)
                out.append(10)
            }
            return String(decoding: out, as: UTF8.self)
        case .csv:
            var out = "ip,jail,failures,first,last,banned,bans,until,failregex_hits\n"
            for row in Self.rows(results) {
                let hits = row.failregex.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
                let time = { (t: Int) in settings.isoTimes ? JailRow.iso(t) : String(t) }
                out +=
                    "\(Self.csv(row.ip)),\(Self.csv(row.jail)),\(row.failures),\(time(row.first)),\(time(row.last)),\(row.banned),\(row.bans.map(time).joined(separator: " ")),\(row.until.map(time).joined(separator: " ")),\(hits)\n"
            }
            return out
        }
    }

    /// Every record of every jail as a row, jail by jail, ids in order.
    package static func rows(_ results: [JailResult]) -> [JailRow] {
        results.flatMap { result in result.records.map { JailRow($0, jail: result.jail.name) } }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a newline.
    package static func csv(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
