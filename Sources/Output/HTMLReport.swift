import Analyzer
import Fail2banConfig
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The forensic report (`--format html`): one self-contained HTML file, no network access,
/// charts as inline SVG. A summary (files, bytes, time range, failures, addresses and bans
/// per jail), a timeline of failures and bans per hour or day stacked by jail, the top
/// addresses (first and last seen, failures, jails, users tried), the /24 and /64 networks
/// with several banned addresses, and a table of addresses that sorts (with scripting) and
/// filters by jail (with or without). Failures go in as the replay finds them (times per
/// hour and jail, users per address); bans come from the jails' results.
package final class HTMLReport {
    /// At most this many rows (one per address and jail) in the table: every banned
    /// address first, then the others by failures (the JSON output has them all); keeps
    /// the report of a large forensic scan under 5 MB.
    package static let tableLimit = 10_000
    /// Distinct users kept per address.
    let usersPerAddress = 12

    let jails: [String]
    /// Failures per hour (Unix time / 3600) and jail.
    var hourly: [Int: [Int]] = [:]
    /// Users tried per address, in order of first appearance, and how many in all.
    var users: [FailureID: (names: [String], count: Int)] = [:]

    /// - Parameter jails: the jails' names, in the order their failures are numbered.
    package init(jails: [String]) { self.jails = jails }

    /// Counts one failure of jail number `jail`.
    package func add(jail: Int, failure: Failure) {
        hourly[Self.hour(of: failure.time), default: Array(repeating: 0, count: jails.count)][jail] += 1
        guard let user = failure.fields?["user"], !user.isEmpty else { return }
        var entry = users[failure.id] ?? ([], 0)
        if !entry.names.contains(user) {
            entry.count += 1
            if entry.names.count < usersPerAddress { entry.names.append(user) }
        }
        users[failure.id] = entry
    }

    /// The hour (since the epoch, rounded down) `time` falls in.
    static func hour(of time: Int) -> Int { Int((Double(time) / 3600).rounded(.down)) }

    /// What the report says about its input.
    package struct Input: Sendable {
        package var files: [(path: String, bytes: Int, lines: Int)]
        package var seconds: Double
        package var command: String
        package init(files: [(path: String, bytes: Int, lines: Int)], seconds: Double, command: String) {
            self.files = files
            self.seconds = seconds
            self.command = command
        }
    }

    /// One address over all jails.
    struct Address {
        var id: FailureID
        var failures = 0
        var first = Int.max
        var last = Int.min
        var bans = 0
        /// Its record in each jail (by jail number) that has one.
        var records: [Int: JailRecord] = [:]
        /// The jails it failed in, by number.
        var jails: [Int] { records.keys.sorted() }
    }

    /// A section another command adds to the page (`failscan tune`'s grid), after the
    /// summary, with a link in the page's navigation.
    package struct Section: Sendable {
        package let id: String
        package let title: String
        /// The section's body (its `<h2>` is written by the report).
        package let html: String
        /// Style rules the body needs.
        package let css: String

        package init(id: String, title: String, html: String, css: String = "") {
            self.id = id
            self.title = title
            self.html = html
            self.css = css
        }
    }

    /// The whole page, with `sections` after the summary.
    package func render(_ results: [JailResult], input: Input, sections: [Section] = []) -> String {
        var addresses: [FailureID: Address] = [:]
        var banHours: [Int: [Int]] = [:]
        for (j, result) in results.enumerated() {
            for record in result.records {
                var address = addresses[record.id] ?? Address(id: record.id)
                address.failures += record.failures
                address.first = min(address.first, record.first)
                address.last = max(address.last, record.last)
                address.bans += record.bans.count
                address.records[j] = record
                addresses[record.id] = address
                for start in record.bans { banHours[Self.hour(of: start), default: Array(repeating: 0, count: results.count)][j] += 1 }
            }
        }
        let all = addresses.values.sorted { ($0.failures, $1.id) > ($1.failures, $0.id) }
        var out = Self.head(input, jails: jails.count, sections: sections)
        out += summary(results, all, input)
        for section in sections { out += "<h2 id=\"\(Self.escape(section.id))\">\(Self.escape(section.title))</h2>\n" + section.html }
        out += "<h2 id=\"timeline\">Timeline</h2>\n"
        out += Self.timeline(hourly, names: jails, title: "Failures", empty: "No failures.")
        out += Self.timeline(banHours, names: jails, title: "Bans (by start)", empty: "No bans.")
        out += topAddresses(all)
        out += Self.networks(all)
        out += table(all)
        out += Self.tail
        return out
    }

    // MARK: - Sections

    func summary(_ results: [JailResult], _ all: [Address], _ input: Input) -> String {
        let first = all.map(\.first).min(), last = all.map(\.last).max()
        let bytes = input.files.reduce(0) { $0 + $1.bytes }
        var out = "<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\">\n"
        let lines = input.files.reduce(0) { $0 + $1.lines }
        out += "<tr><th>Files</th><td data-files=\"\(input.files.count)\">\(input.files.count) (\(Self.megabytes(bytes)))</td></tr>\n"
        out += "<tr><th>Lines</th><td data-lines=\"\(lines)\">\(lines)</td></tr>\n"
        if let first, let last, first <= last {
            out +=
                "<tr><th>Time range</th><td data-first=\"\(first)\" data-last=\"\(last)\">\(Self.time(first)) to \(Self.time(last)) (\(Self.zone))</td></tr>\n"
        }
        let failures = results.reduce(0) { $0 + $1.failures }
        let banned = all.filter { $0.bans > 0 }.count
        out += "<tr><th>Failures</th><td data-failures=\"\(failures)\">\(failures)</td></tr>\n"
        out += "<tr><th>Addresses</th><td data-addresses=\"\(all.count)\">\(all.count), \(banned) banned</td></tr>\n"
        out += String(format: "<tr><th>Scan</th><td>%.2f s</td></tr>\n", input.seconds)
        out += "</table>\n<table class=\"jails\">\n<tr><th>Jail</th><th>Filter</th><th>maxretry</th><th>findtime</th><th>bantime</th>"
        out += "<th>Failures</th><th>Addresses</th><th>Banned</th><th>Bans</th></tr>\n"
        for (j, result) in results.enumerated() {
            let bans = result.records.reduce(0) { $0 + $1.bans.count }
            let bannedHere = result.records.filter(\.banned).count
            out += "<tr data-jail=\"\(Self.escape(result.jail.name))\" data-failures=\"\(result.failures)\" data-bans=\"\(bans)\">"
            out += "<td><span class=\"key\" style=\"background:\(Self.color(j))\"></span>\(Self.escape(result.jail.name))</td>"
            out += "<td>\(Self.escape(result.jail.filter))</td><td>\(result.jail.maxRetry)</td>"
            out += "<td>\(Self.duration(result.jail.findTime))</td><td>\(Self.duration(result.jail.banTime))</td>"
            out += "<td>\(result.failures)</td><td>\(result.records.count)</td><td>\(bannedHere)</td><td>\(bans)</td></tr>\n"
        }
        out += "</table>\n<details><summary>Files read</summary><ul>\n"
        for file in input.files { out += "<li>\(Self.escape(file.path)) (\(Self.megabytes(file.bytes)), \(file.lines) lines)</li>\n" }
        out += "</ul><p>Command: <code>\(Self.escape(input.command))</code></p></details>\n"
        return out
    }

    func topAddresses(_ all: [Address]) -> String {
        var out = "<h2 id=\"top\">Top addresses</h2>\n"
        guard !all.isEmpty else { return out + "<p>No failures.</p>\n" }
        out += "<table class=\"top\">\n<tr><th>Address</th><th>Failures</th><th>First seen</th><th>Last seen</th><th>Jails</th>"
        out += "<th>Bans</th><th>Users tried</th></tr>\n"
        for address in all.prefix(25) {
            out += "<tr><td>\(Self.escape(address.id.description))</td><td>\(address.failures)</td>"
            out += "<td>\(Self.time(address.first))</td><td>\(Self.time(address.last))</td>"
            out += "<td>\(address.jails.map { Self.escape(jails[$0]) }.joined(separator: ", "))</td><td>\(address.bans)</td>"
            out += "<td>\(usersCell(address.id, limit: usersPerAddress))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    func usersCell(_ id: FailureID, limit: Int = 4) -> String {
        guard let entry = users[id] else { return "" }
        let names = entry.names.prefix(limit)
        var text = names.map(Self.escape).joined(separator: ", ")
        if entry.count > names.count { text += " and \(entry.count - names.count) more" }
        return text
    }

    /// The /24 (IPv4) and /64 (IPv6) networks holding two or more banned addresses.
    static func networks(_ all: [Address]) -> String {
        var counts: [String: (banned: Int, failures: Int)] = [:]
        for address in all where address.bans > 0 {
            guard let ip = address.id.address else { continue }
            let network: String
            switch ip {
            case .v4(let value): network = IPAddress.v4(value & 0xFFFF_FF00).description + "/24"
            case .v6(let high, _): network = IPAddress.v6(high, 0).description + "/64"
            }
            counts[network, default: (0, 0)].banned += 1
            counts[network, default: (0, 0)].failures += address.failures
        }
        let many = counts.filter { $0.value.banned >= 2 }.sorted { ($0.value.banned, $1.key) > ($1.value.banned, $0.key) }
        var out = "<h2 id=\"networks\">Networks with several banned addresses</h2>\n"
        guard !many.isEmpty else { return out + "<p>No /24 or /64 network holds more than one banned address.</p>\n" }
        out += "<table class=\"networks\">\n<tr><th>Network</th><th>Banned addresses</th><th>Failures</th></tr>\n"
        for (network, count) in many.prefix(50) {
            out +=
                "<tr data-network=\"\(network)\" data-banned=\"\(count.banned)\"><td>\(network)</td><td>\(count.banned)</td><td>\(count.failures)</td></tr>\n"
        }
        if many.count > 50 { out += "<tr><td colspan=\"3\">and \(many.count - 50) more networks</td></tr>\n" }
        return out + "</table>\n"
    }

    /// Every banned address, then the others by failures, up to ``tableLimit``; one row
    /// per address and jail. Jail filters are radio buttons that CSS acts on (no script).
    func table(_ all: [Address]) -> String {
        let banned = all.filter { $0.bans > 0 }, others = all.filter { $0.bans == 0 }
        var shown: [Address] = []
        var rows = 0
        for address in banned + others {
            guard rows + address.records.count <= Self.tableLimit else { break }
            shown.append(address)
            rows += address.records.count
        }
        var out = "<h2 id=\"addresses\">Addresses</h2>\n"
        if shown.count < all.count {
            out +=
                "<p>\(shown.count) of \(all.count) addresses: every banned one, then the others with most failures (--format json lists them all).</p>\n"
        }
        out +=
            "<div class=\"filters\"><input type=\"radio\" name=\"jail\" id=\"jail-all\" checked><label for=\"jail-all\">all jails</label>\n"
        for (j, name) in jails.enumerated() {
            out += "<input type=\"radio\" name=\"jail\" id=\"jail-\(j)\"><label for=\"jail-\(j)\">\(Self.escape(name))</label>\n"
        }
        out += "<input type=\"search\" id=\"find\" placeholder=\"address or user\" hidden>\n"
        out += "<table class=\"addresses\" id=\"addresses-table\">\n<thead><tr>"
        for (key, title) in [
            ("ip", "Address"), ("jail", "Jail"), ("failures", "Failures"), ("first", "First seen"), ("last", "Last seen"),
            ("bans", "Bans"), ("until", "Banned until"), ("users", "Users tried"),
        ] {
            out += "<th data-key=\"\(key)\">\(title)</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for address in shown {
            for (j, record) in address.records.sorted(by: { $0.key < $1.key }) {
                let until = record.banEnds.max()
                let ip = Self.escape(address.id.description)
                out += "<tr class=\"j\(j)\" data-ip=\"\(ip)\" data-jail=\"\(Self.escape(jails[j]))\" data-failures=\"\(record.failures)\""
                out += " data-first=\"\(record.first)\" data-last=\"\(record.last)\" data-bans=\"\(record.bans.count)\""
                out += " data-until=\"\(until.map { $0 == Int.max ? "forever" : String($0) } ?? "")\">"
                out += "<td>\(ip)</td><td>\(Self.escape(jails[j]))</td><td>\(record.failures)</td>"
                out += "<td>\(Self.time(record.first))</td><td>\(Self.time(record.last))</td><td>\(record.bans.count)</td>"
                out += "<td>\(until.map { $0 == Int.max ? "forever" : Self.time($0) } ?? "")</td><td>\(usersCell(address.id))</td></tr>\n"
            }
        }
        return out + "</tbody>\n</table>\n</div>\n"
    }

    // MARK: - Timeline

    /// The most bars a timeline draws.
    static let maxBuckets = 1000

    /// A stacked bar chart of `counts` (per hour and jail), per hour when the data span
    /// at most three days, else per day (per week beyond two years, per several weeks
    /// beyond ``maxBuckets`` weeks).
    static func timeline(_ counts: [Int: [Int]], names: [String], title: String, empty: String) -> String {
        guard let firstHour = counts.keys.min(), let lastHour = counts.keys.max() else {
            return "<h3>\(title)</h3><p>\(empty)</p>\n"
        }
        let spanHours = lastHour - firstHour + 1
        // At most `maxBuckets` bars: beyond two years, weeks, or as many weeks a bar as
        // keep them that few (times from a forged ledger or a log dated years apart).
        let weeks = (spanHours + 7 * 24 - 1) / (7 * 24)
        let step =
            spanHours <= 72 ? 1 : spanHours <= 2 * 365 * 24 ? 24 : 7 * 24 * max(1, (weeks + Self.maxBuckets - 1) / Self.maxBuckets)
        let unit = step == 1 ? "hour" : step == 24 ? "day" : step == 7 * 24 ? "week" : "\(step / (7 * 24)) weeks"
        // Buckets start on local midnight for days (hours shift by the zone's offset).
        let offsetHours = step == 1 ? 0 : zoneOffsetHours(firstHour * 3600)
        let bucket = { (hour: Int) in Int((Double(hour + offsetHours) / Double(step)).rounded(.down)) }
        let firstBucket = bucket(firstHour), buckets = bucket(lastHour) - firstBucket + 1
        var stacks = Array(repeating: Array(repeating: 0, count: names.count), count: buckets)
        for (hour, perJail) in counts {
            for (j, n) in perJail.enumerated() { stacks[bucket(hour) - firstBucket][j] += n }
        }
        let highest = max(1, stacks.map { $0.reduce(0, +) }.max() ?? 1)
        let width = 960.0, height = 220.0, left = 56.0, bottom = 28.0, top = 10.0
        let plotWidth = width - left - 10, plotHeight = height - bottom - top
        let barWidth = plotWidth / Double(buckets)
        var svg =
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\"\(title) per \(unit), stacked by jail\">\n"
        // Gridlines and the scale.
        for k in 0...4 {
            let value = Double(highest) * Double(k) / 4
            let y = top + plotHeight - plotHeight * Double(k) / 4
            svg += String(
                format:
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"scale\">%@</text>\n",
                left, width - 10, y, y, left - 6, y + 4, compact(value))
        }
        for (index, stack) in stacks.enumerated() {
            var y = top + plotHeight
            let x = left + Double(index) * barWidth
            let start = (firstBucket + index) * step * 3600 - offsetHours * 3600
            for (j, n) in stack.enumerated() where n > 0 {
                let h = plotHeight * Double(n) / Double(highest)
                y -= h
                svg += String(
                    format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%@\"><title>%@ %@: %d</title></rect>\n",
                    x, y, max(barWidth - (barWidth > 3 ? 1 : 0), 0.5), h, color(j), escape(names[j]), escape(label(start, unit: unit)), n)
            }
        }
        // About six labels along the time axis.
        let every = max(1, buckets / 6)
        for index in stride(from: 0, to: buckets, by: every) where left + Double(index) * barWidth < width - 80 {
            let start = (firstBucket + index) * step * 3600 - offsetHours * 3600
            svg += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\">%@</text>\n", left + Double(index) * barWidth, height - 8,
                escape(label(start, unit: unit)))
        }
        svg += "</svg>\n"
        var legend = "<p class=\"legend\">"
        for (j, name) in names.enumerated() { legend += "<span class=\"key\" style=\"background:\(color(j))\"></span>\(escape(name)) " }
        legend += "(per \(unit), \(zone))</p>\n"
        return "<h3>\(title)</h3>\n" + svg + legend
    }

    static func compact(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.1fM", value / 1e6) : value >= 1e4 ? String(format: "%.0fk", value / 1e3) : String(Int(value))
    }

    // MARK: - Formatting

    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
    static func color(_ index: Int) -> String { palette[index % palette.count] }

    /// Text for HTML content and attribute values (user names come from attackers).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if character.value < 0x20 || character.value == 0x7F {
                    out += "&#\(character.value);"
                } else {
                    out.unicodeScalars.append(character)
                }
            }
        }
        return out
    }

    static func local(_ time: Int) -> tm {
        var t = time_t(time)
        var parts = tm()
        localtime_r(&t, &parts)
        return parts
    }

    /// Local time as YYYY-MM-DD HH:MM:SS.
    static func time(_ time: Int) -> String {
        guard time > Int.min, time < Int.max else { return "" }
        let p = local(time)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday), Int(p.tm_hour),
            Int(p.tm_min),
            Int(p.tm_sec))
    }

    static func label(_ time: Int, unit: String) -> String {
        let p = local(time)
        let day = String(format: "%04d-%02d-%02d", Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday))
        return unit == "hour" ? day + String(format: " %02d:00", Int(p.tm_hour)) : day
    }

    static func zoneOffsetHours(_ time: Int) -> Int { Int(local(time).tm_gmtoff) / 3600 }

    static var zone: String {
        let p = local(Int(Date().timeIntervalSince1970))
        return p.tm_zone.map { String(cString: $0) } ?? "local time"
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    static func duration(_ seconds: Int) -> String {
        if seconds < 0 { return "forever" }
        if seconds % 86400 == 0 && seconds > 0 { return "\(seconds / 86400)d" }
        if seconds % 3600 == 0 && seconds > 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 && seconds > 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    static func head(_ input: Input, jails: Int, sections: [Section] = []) -> String {
        var css = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}
            h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
            td{font-variant-numeric:tabular-nums}table.summary th{width:9em}
            table.top td:nth-child(3),table.top td:nth-child(4),#addresses-table td:nth-child(4),#addresses-table td:nth-child(5),#addresses-table td:nth-child(7){white-space:nowrap}
            .key{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border-radius:2px}
            .chart{max-width:960px;display:block}.chart .grid{stroke:#eee}.chart text{font-size:11px;fill:#555}
            .chart .scale{text-anchor:end}.legend{color:#555}
            .filters label{margin-right:.8em}.filters input[type=search]{margin-left:1em}
            #addresses-table th{cursor:default;background:#f6f6f6;position:sticky;top:0}
            .scripted #addresses-table th{cursor:pointer}.scripted #addresses-table th:after{content:" \\2195";color:#aaa}
            nav a{margin-right:1em}
            """
        // A radio button per jail shows only that jail's rows (works with scripting off).
        for j in 0..<jails { css += "\n#jail-\(j):checked~table tbody tr:not(.j\(j)){display:none}" }
        for section in sections where !section.css.isEmpty { css += "\n" + section.css }
        let links = sections.map { "<a href=\"#\(escape($0.id))\">\(escape($0.title))</a>" }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <title>failscan report</title>
            <style>
            \(css)
            </style>
            </head><body>
            <h1>failscan report</h1>
            <p>Written \(escape(time(Int(Date().timeIntervalSince1970)))) (\(escape(zone))) by failscan; every time is local time.</p>
            <nav><a href="#summary">Summary</a>\(links)<a href="#timeline">Timeline</a><a href="#top">Top addresses</a><a href="#networks">Networks</a><a href="#addresses">Addresses</a></nav>

            """
    }

    static let tail = """
        <noscript><p>Sorting the table needs scripting; the jail filter works without it.</p></noscript>
        <script>
        (function () {
          "use strict";
          document.documentElement.classList.add("scripted");
          var table = document.getElementById("addresses-table");
          if (!table) return;
          var body = table.tBodies[0];
          var numeric = {failures: 1, first: 1, last: 1, bans: 1, until: 1};
          var order = {};
          function sortBy(key) {
            var rows = Array.prototype.slice.call(body.rows);
            var down = order[key] = !order[key];
            rows.sort(function (a, b) {
              var x = a.dataset[key] || "", y = b.dataset[key] || "";
              if (numeric[key]) {
                x = x === "forever" ? Infinity : Number(x || -1); y = y === "forever" ? Infinity : Number(y || -1);
              }
              var c = x < y ? -1 : x > y ? 1 : 0;
              return down ? -c : c;
            });
            rows.forEach(function (row) { body.appendChild(row); });
          }
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
            cell.addEventListener("click", function () { sortBy(cell.dataset.key); });
          });
          var find = document.getElementById("find");
          find.hidden = false;
          find.addEventListener("input", function () {
            var text = find.value.toLowerCase();
            Array.prototype.forEach.call(body.rows, function (row) {
              row.hidden = text !== "" && row.textContent.toLowerCase().indexOf(text) < 0;
            });
          });
          // A link can carry a view: #sort=failures&find=192.0.2.
          var match = /[#&]sort=(\\w+)/.exec(location.hash);
          if (match) sortBy(match[1]);
          match = /[#&]find=([^&]*)/.exec(location.hash);
          if (match) {
            find.value = decodeURIComponent(match[1]);
            find.dispatchEvent(new Event("input"));
          }
        })();
        </script>
        </body></html>

        """
}
