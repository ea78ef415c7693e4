import Analyzer
import Foundation
import OutputBasics

/// Writes what `failscan tune` found: a table for people, CSV and JSON Lines for scripts,
/// and a section of the HTML report with the grid as heatmaps of bans against lockouts.
package enum TuneWriter {
    /// What the page and the table say about the run besides the outcomes.
    package struct Context: Sendable {
        package let jail: String
        package let files: [String]
        /// Successful logins, the addresses they came from, and whether the jail has
        /// success regexes at all.
        package let logins: Int
        package let legitimate: Int
        package let hasSuccessRegex: Bool
        /// `--no-lockouts`: logins were not looked for.
        package let lockoutsSkipped: Bool
        /// The jail's own setting (its row is marked).
        package let current: TuneSetting?

        package init(
            jail: String, files: [String], logins: Int, legitimate: Int, hasSuccessRegex: Bool, lockoutsSkipped: Bool = false,
            current: TuneSetting? = nil
        ) {
            self.current = current
            self.jail = jail
            self.files = files
            self.logins = logins
            self.legitimate = legitimate
            self.hasSuccessRegex = hasSuccessRegex
            self.lockoutsSkipped = lockoutsSkipped
        }

        /// Why lockouts are not estimated, when they are not.
        var noLockouts: String {
            lockoutsSkipped
                ? "lockouts not estimated (--no-lockouts)"
                : "no successregex for this filter: lockouts not estimated (set successregex in the jail or the filter)"
        }
    }

    /// fail2ban's way of writing a time: `10m`, `1h`, `1d`, `-1` for forever.
    package static func duration(_ seconds: Int) -> String {
        seconds < 0 ? "-1" : HTMLReport.duration(seconds)
    }

    /// A measured time, rounded for reading: `45s`, `12m`, `5.3h`, `2.5d`.
    package static func approximate(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<7200: return "\(Int((Double(seconds) / 60).rounded()))m"
        case ..<172_800: return String(format: "%.1fh", Double(seconds) / 3600)
        default: return String(format: "%.1fd", Double(seconds) / 86400)
        }
    }

    static func median(_ outcome: TuneOutcome) -> String { outcome.firstBanMedian.map(approximate) ?? "-" }
    static func p90(_ outcome: TuneOutcome) -> String { outcome.firstBanP90.map(approximate) ?? "-" }

    // MARK: - Table

    /// A table, one row per setting, then the users each setting locks out.
    package static func table(_ outcomes: [TuneOutcome], context: Context) -> String {
        let header = [
            "maxretry", "findtime", "bantime", "increment", "bans", "banned", "stopped", "slow", "first ban (median/p90)", "lockouts",
            "users locked out",
        ]
        var rows: [[String]] = [header]
        for o in outcomes {
            let users = o.lockedOutUsers
            rows.append([
                (o.setting == context.current ? "*" : "") + String(o.setting.maxRetry), duration(o.setting.findTime),
                duration(o.setting.banTime), o.setting.increment ? "on" : "off",
                String(o.bans), String(o.bannedCount), String(o.failuresStopped), String(o.slowAttackerCount),
                "\(median(o)) / \(p90(o))", String(o.lockedOutAddresses),
                users.isEmpty ? "-" : users.prefix(4).joined(separator: " ") + (users.count > 4 ? " +\(users.count - 4)" : ""),
            ])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = "[\(context.jail)] \(outcomes.first.map { String($0.failures) } ?? "0") failures"
        out +=
            context.hasSuccessRegex
            ? ", \(context.logins) successful logins from \(context.legitimate) addresses (legitimate users)\n\n"
            : "; \(context.noLockouts)\n\n"
        for (r, row) in rows.enumerated() {
            let cells = row.enumerated().map { i, cell in
                i == row.count - 1
                    ? cell : (i < 4 || r == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) : leftPad(cell, widths[i]))
            }
            out += cells.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        if let current = context.current, outcomes.contains(where: { $0.setting == current }) {
            out += "* the jail's own setting\n"
        }
        out += """

            bans      bans the setting makes (prolongations not counted)
            banned    addresses banned at least once
            stopped   failures that came while their address's ban ran
            slow      addresses with maxretry failures or more, never banned and never logged in
            first ban from an address's first failure to its first ban (median / 90th percentile)
            lockouts  addresses of legitimate users (they logged in) that the setting bans

            """
        let locked = outcomes.filter { !$0.lockouts.isEmpty }
        if !locked.isEmpty {
            out += "\nLockouts (legitimate users' addresses the setting bans; first 5 of each):\n"
            for o in locked {
                out += "  maxretry \(o.setting.maxRetry) findtime \(duration(o.setting.findTime)) bantime \(duration(o.setting.banTime))"
                out += o.setting.increment ? " increment on:\n" : ":\n"
                for lockout in o.lockouts.prefix(tableLockouts) {
                    out +=
                        "    \(lockout.user) from \(lockout.id), banned \(HTMLReport.time(lockout.start)) after \(lockout.failures) failure\(lockout.failures == 1 ? "" : "s"), logged in \(HTMLReport.time(lockout.success))\n"
                }
                if o.lockoutCount > tableLockouts { out += "    and \(o.lockoutCount - tableLockouts) more\n" }
            }
        }
        return out
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    // MARK: - CSV

    package static func csv(_ outcomes: [TuneOutcome]) -> String {
        var out =
            "maxretry,findtime,bantime,increment,bans,banned_addresses,failures,failures_stopped,slow_attackers,first_ban_median,first_ban_p90,first_ban_max,lockouts,locked_out_users\n"
        for o in outcomes {
            let fields: [String] = [
                String(o.setting.maxRetry), String(o.setting.findTime), String(o.setting.banTime), o.setting.increment ? "on" : "off",
                String(o.bans), String(o.bannedCount), String(o.failures), String(o.failuresStopped), String(o.slowAttackerCount),
                o.firstBanMedian.map(String.init) ?? "", o.firstBanP90.map(String.init) ?? "",
                o.firstBanMax.map(String.init) ?? "", String(o.lockedOutAddresses),
                JailText.csv(o.lockedOutUsers.joined(separator: " ")),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    // MARK: - JSON

    /// JSON Lines, streamed: one object per setting (keys sorted; an outcome with
    /// ``TuneGrid/Detail/everything``), then ``jsonEnd(failures:context:to:)``.
    package static func json(_ o: TuneOutcome, to out: inout [UInt8]) {
        JSONText.object(to: &out) { j in
            j.strings("banned", o.banned.map(\.description))
            j.int("banned_addresses", o.bannedCount)
            j.int("bans", o.bans)
            j.int("failures", o.failures)
            j.int("failures_stopped", o.failuresStopped)
            j.objects("lockouts", o.lockouts) { l, lockout in
                l.int("end", lockout.end == Int.max ? -1 : lockout.end)
                l.int("failures", lockout.failures)
                l.string("ip", lockout.id.description)
                l.int("start", lockout.start)
                l.int("success", lockout.success)
                l.string("user", lockout.user)
            }
            j.object("setting") { s in
                s.int("bantime", o.setting.banTime)
                s.int("findtime", o.setting.findTime)
                s.bool("increment", o.setting.increment)
                s.int("maxretry", o.setting.maxRetry)
            }
            j.objects("slow_attackers", o.slowAttackers) { a, slow in
                a.int("failures", slow.failures)
                a.int("first", slow.first)
                a.string("ip", slow.id.description)
                a.int("last", slow.last)
            }
            j.object("time_to_first_ban") { t in
                t.int("max", o.firstBanMax)
                t.int("median", o.firstBanMedian)
                t.int("p90", o.firstBanP90)
            }
        }
        out.append(10)
    }

    /// The last line: `{"scan": ...}` (`failures`: every setting's, the same for all).
    package static func jsonEnd(failures: Int, context: Context, to out: inout [UInt8]) {
        JSONText.object(to: &out) { j in
            j.object("scan") { s in
                s.int("failures", failures)
                s.strings("files", context.files)
                s.string("jail", context.jail)
                s.int("legitimate_addresses", context.legitimate)
                s.int("logins", context.logins)
                s.bool("successregex", context.hasSuccessRegex)
            }
        }
        out.append(10)
    }

    // MARK: - HTML

    /// Lockouts listed per setting on the page (JSON has them all).
    package static let lockoutRows = 50

    /// Lockouts listed per setting under the table.
    package static let tableLockouts = 5

    /// The grid as a section of the forensic report (``HTMLReport``): per bantime (and
    /// increment), a maxretry x findtime heatmap whose cells are green by the share of
    /// attackers banned and red by lockouts, then every setting and the lockouts.
    package static func section(_ outcomes: [TuneOutcome], context: Context) -> HTMLReport.Section {
        let e = HTMLReport.escape
        let maxBanned = max(1, outcomes.map(\.bannedCount).max() ?? 1)
        let maxLocked = max(1, outcomes.map(\.lockedOutAddresses).max() ?? 1)
        var out = """
            <p>[\(e(context.jail))]: \(outcomes.first?.failures ?? 0) failures in \(context.files.count) file(s), each setting of the grid replayed over them; \(context.hasSuccessRegex ? "\(context.logins) successful logins from \(context.legitimate) addresses: their users are the legitimate ones a setting can lock out." : "\(e(context.noLockouts)).")</p>
            <p class="legend"><span class="key" style="background:rgba(46,139,87,.6)"></span>banned addresses (darker: more)
            <span class="key" style="background:rgba(200,30,30,.7)"></span>legitimate users locked out (any lockout turns a cell red)</p>

            """
        var planes: [(banTime: Int, increment: Bool)] = []
        for o in outcomes where !planes.contains(where: { $0 == (o.setting.banTime, o.setting.increment) }) {
            planes.append((o.setting.banTime, o.setting.increment))
        }
        for plane in planes {
            let cells = outcomes.filter { $0.setting.banTime == plane.banTime && $0.setting.increment == plane.increment }
            var retries: [Int] = []
            var finds: [Int] = []
            for o in cells {
                if !retries.contains(o.setting.maxRetry) { retries.append(o.setting.maxRetry) }
                if !finds.contains(o.setting.findTime) { finds.append(o.setting.findTime) }
            }
            out += "<h3>bantime \(e(duration(plane.banTime)))\(plane.increment ? ", bantime.increment on" : "")</h3>\n"
            out += "<table class=\"heatmap\"><thead><tr><th>maxretry \\ findtime</th>"
            for f in finds { out += "<th>\(e(duration(f)))</th>" }
            out += "</tr></thead><tbody>\n"
            for m in retries {
                out += "<tr><th>\(m)</th>"
                for f in finds {
                    guard let o = cells.first(where: { $0.setting.maxRetry == m && $0.setting.findTime == f }) else {
                        out += "<td></td>"
                        continue
                    }
                    let locked = o.lockedOutAddresses
                    let color =
                        locked > 0
                        ? String(format: "rgba(200,30,30,%.2f)", 0.25 + 0.55 * Double(locked) / Double(maxLocked))
                        : String(format: "rgba(46,139,87,%.2f)", 0.08 + 0.6 * Double(o.bannedCount) / Double(maxBanned))
                    out +=
                        "<td style=\"background:\(color)\" title=\"maxretry \(m), findtime \(e(duration(f))), bantime \(e(duration(plane.banTime)))\">"
                        + "<b>\(o.bannedCount)</b> banned<small>\(locked) locked out</small><small>\(o.failuresStopped) failures stopped</small></td>"
                }
                out += "</tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3 id=\"tuning-settings\">Every setting</h3>\n<table><thead><tr>"
        for name in [
            "maxretry", "findtime", "bantime", "increment", "bans", "banned", "failures stopped", "slow attackers", "first ban: median",
            "p90", "lockouts", "users locked out",
        ] {
            out += "<th>\(name)</th>"
        }
        out += "</tr></thead><tbody>\n"
        for o in outcomes {
            let cells = [
                String(o.setting.maxRetry), duration(o.setting.findTime), duration(o.setting.banTime), o.setting.increment ? "on" : "off",
                String(o.bans), String(o.bannedCount), String(o.failuresStopped), String(o.slowAttackerCount), median(o), p90(o),
                String(o.lockedOutAddresses), o.lockedOutUsers.joined(separator: " "),
            ]
            out += "<tr>" + cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</tbody></table>\n<h3 id=\"tuning-lockouts\">Lockouts</h3>\n"
        let locked = outcomes.filter { !$0.lockouts.isEmpty }
        if locked.isEmpty {
            out += "<p>No setting of the grid bans an address that logged in successfully.</p>\n"
        } else {
            out += "<table><thead><tr><th>setting</th><th>user</th><th>address</th><th>banned</th><th>until</th>"
            out += "<th>failures</th><th>logged in</th></tr></thead><tbody>\n"
            for o in locked {
                let setting =
                    "maxretry \(o.setting.maxRetry), findtime \(duration(o.setting.findTime)), bantime \(duration(o.setting.banTime))"
                    + (o.setting.increment ? ", increment" : "")
                for lockout in o.lockouts.prefix(Self.lockoutRows) {
                    let cells = [
                        setting, lockout.user, lockout.id.description, HTMLReport.time(lockout.start),
                        lockout.end == Int.max ? "forever" : HTMLReport.time(lockout.end), String(lockout.failures),
                        HTMLReport.time(lockout.success),
                    ]
                    out += "<tr>" + cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
                }
                if o.lockoutCount > Self.lockoutRows {
                    out +=
                        "<tr><td>\(e(setting))</td><td colspan=\"6\">and \(o.lockoutCount - Self.lockoutRows) more (--format json has them all)</td></tr>\n"
                }
            }
            out += "</tbody></table>\n"
        }
        return HTMLReport.Section(
            id: "tuning", title: "Tuning: bans against lockouts", html: out,
            css: "table.heatmap td{border:1px solid #fff;text-align:center;min-width:7em}table.heatmap td small{display:block;color:#444}")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
