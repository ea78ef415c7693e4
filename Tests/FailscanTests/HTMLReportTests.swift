import Foundation
import TestSupport
import Testing

/// `--format html`: the forensic report opens in a real headless Chromium (Debian's) without
/// console errors, sorts and filters there, holds the numbers the JSON output holds, asks
/// for nothing from the network and stays small for thousands of banned addresses.
@Suite(.serialized) struct HTMLReportTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static let chromiumHint = "chromium is not installed: the HTML report tests need a real browser (scripts/install-deps test)"

    /// Three jails over the shipped Corpus.
    static func configuration() throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        let jail = """
            [DEFAULT]
            enabled = true
            maxretry = 3
            findtime = 1h
            bantime = 2h

            [sshd]
            filter = /etc/fail2ban/filter.d/sshd.conf
            logpath = \(TestSupport.corpus("logs/auth.log"))

            [qpopperauth]
            filter = \(TestSupport.corpus("filters/qpopperauth.conf"))
            logpath = \(TestSupport.corpus("logs/auth.log"))

            [dovecot]
            filter = /etc/fail2ban/filter.d/dovecot.conf
            logpath = \(TestSupport.corpus("logs/mail.log"))
            """
        try jail.write(toFile: dir.appendingPathComponent("jail.local").path, atomically: true, encoding: .utf8)
        return dir.path
    }

    /// Runs the browser on `url` and returns the DOM after scripts ran, and the console
    /// messages it logged.
    static func browse(_ url: String) throws -> (dom: String, console: [String]) {
        let browser = try #require(chromium, Comment(rawValue: chromiumHint))
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--dump-dom"]
        let run = try TestSupport.run(browser, arguments + [url])
        #expect(run.status == 0, "\(run.stderr)")
        return (run.stdout, run.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init))
    }

    /// The address table's rows: data attributes by name, in document order.
    static func rows(_ html: String) -> [[String: String]] {
        let row = try! NSRegularExpression(pattern: #"<tr class="j\d+"([^>]*)>"#)
        let attribute = try! NSRegularExpression(pattern: #"data-(\w+)="([^"]*)""#)
        return row.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            let text = String(html[Range(match.range(at: 1), in: html)!])
            var values: [String: String] = [:]
            for a in attribute.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                values[String(text[Range(a.range(at: 1), in: text)!])] = String(text[Range(a.range(at: 2), in: text)!])
            }
            return values
        }
    }

    /// The detection of console errors works: a page that throws is caught.
    @Test func aThrowingPageIsSeen() throws {
        let page = try TestSupport.temporaryDirectory().appendingPathComponent("throw.html")
        try "<html><body><script>throw new Error(\"boom\")</script></body></html>".write(to: page, atomically: true, encoding: .utf8)
        let (_, console) = try Self.browse(page.absoluteString)
        #expect(console.contains { $0.contains("Uncaught Error: boom") }, "\(console)")
    }

    @Test func theReportOpensWithoutErrorsAndHoldsTheJSONNumbers() throws {
        let config = try Self.configuration()
        let dir = try TestSupport.temporaryDirectory()
        let html = dir.appendingPathComponent("report.html")
        let common = ["jails", "--config", config, "--now", "1795600000", "--no-rotated"]
        let made = try TestSupport.failscan(common + ["--format", "html", "--output", html.path])
        #expect(made.status == 0, "\(made.stderr)")
        let json = try TestSupport.failscan(common + ["--format", "json"])
        let text = try String(contentsOf: html, encoding: .utf8)

        // Self-contained: no URL to fetch, a policy that forbids fetching, inline SVG charts.
        #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("src="))
        #expect(text.contains("default-src 'none'") && text.contains("<svg class=\"chart\""))

        // Every JSON row is a table row with the same numbers.
        let expected = json.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(expected.count > 20 && expected.contains { $0["banned"] as? Bool == true })
        let got = Self.rows(text)
        #expect(got.count == expected.count)
        for row in expected {
            let ip = row["ip"] as? String ?? "", jail = row["jail"] as? String ?? ""
            let match = got.first { $0["ip"] == ip && $0["jail"] == jail }
            #expect(match?["failures"] == String(row["failures"] as? Int ?? -1), "\(ip) \(jail)")
            #expect(match?["first"] == String(row["first"] as? Int ?? -1) && match?["last"] == String(row["last"] as? Int ?? -1))
            #expect(match?["bans"] == String((row["bans"] as? [Int] ?? []).count), "\(ip) \(jail)")
        }
        // The summary's per-jail failures and bans are the JSON rows' sums.
        for jail in ["sshd", "qpopperauth", "dovecot"] {
            let rows = expected.filter { $0["jail"] as? String == jail }
            let failures = rows.reduce(0) { $0 + ($1["failures"] as? Int ?? 0) }
            let bans = rows.reduce(0) { $0 + ($1["bans"] as? [Int] ?? []).count }
            #expect(text.contains("<tr data-jail=\"\(jail)\" data-failures=\"\(failures)\" data-bans=\"\(bans)\">"), "\(jail)")
        }

        // Files and lines read.
        let lines = try ["auth.log", "mail.log"].reduce(0) {
            $0 + (try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/\($1)")))).filter { $0 == 10 }.count
        }
        #expect(text.contains("<td data-files=\"2\">") && text.contains("<td data-lines=\"\(lines)\">"), "\(lines) lines")

        // `scan` writes the same report for its one jail.
        let scanned = try TestSupport.failscan([
            "scan", "--filter", "/etc/fail2ban/filter.d/dovecot.conf", "--name", "dovecot", "--maxretry", "3", "--findtime", "1h",
            "--bantime", "2h", "--now", "1795600000", "--format", "html", TestSupport.corpus("logs/mail.log"),
        ])
        #expect(scanned.status == 0, "\(scanned.stderr)")
        let scanRows = Self.rows(scanned.stdout)
        #expect(!scanRows.isEmpty && scanRows.count == got.filter { $0["jail"] == "dovecot" }.count)

        // In the browser: no console message at all, sorting by a link's view, the filter.
        let sorted = try Self.browse(html.absoluteString + "#sort=failures")
        #expect(sorted.console.isEmpty, "\(sorted.console)")
        let order = Self.rows(sorted.dom).compactMap { Int($0["failures"] ?? "") }
        #expect(order.count == expected.count && order == order.sorted(by: >), "rows sorted by failures, most first")
        let someone = try #require(expected.first { $0["banned"] as? Bool == true }?["ip"] as? String)
        let found = try Self.browse(html.absoluteString + "#find=\(someone)")
        #expect(found.console.isEmpty, "\(found.console)")
        let visible = Self.rows(found.dom.replacingOccurrences(of: " hidden=\"\"", with: " data-hidden=\"1\""))
            .filter { $0["hidden"] == nil }
        #expect(!visible.isEmpty && visible.allSatisfy { $0["ip"] == someone }, "the filter keeps \(someone)'s rows only")

        // Scripting off (a copy whose policy forbids its script): every row and section is
        // there in the written order, the search box (which needs the script) stays hidden.
        let noScript = dir.appendingPathComponent("noscript.html")
        try text.replacingOccurrences(of: "script-src 'unsafe-inline'", with: "script-src 'none'").write(
            to: noScript, atomically: true, encoding: .utf8)
        let plain = try Self.browse(noScript.absoluteString)
        #expect(plain.console.allSatisfy { $0.contains("Content Security Policy") } && plain.console.count == 1, "\(plain.console)")
        #expect(Self.rows(plain.dom).map { $0["ip"] ?? "" } == got.map { $0["ip"] ?? "" })
        #expect(plain.dom.contains("id=\"find\" placeholder=\"address or user\" hidden") && !plain.dom.contains("class=\"scripted\""))
        #expect(plain.dom.contains("<h2 id=\"networks\">") && plain.dom.contains("<svg class=\"chart\""))
    }

    /// Thousands of banned addresses in two jails: the report stays under 5 MB, banned
    /// addresses fill the table first, the cut is said, and it still opens cleanly.
    @Test func thousandsOfBannedAddressesStaySmall() throws {
        let dir = try TestSupport.temporaryDirectory()
        let log = dir.appendingPathComponent("auth.log").path
        // 6000 attackers, 4 failures each within minutes (banned at maxretry 3), and 3000
        // that fail twice (not banned), in sshd's form, seeded.
        var generator = SeededGenerator(seed: 12)
        var lines: [String] = []
        for n in 0..<9000 {
            let ip = "10.\(n / 250 % 250).\(n % 250).\(1 + Int(generator.next() % 250))"
            for k in 0..<(n < 6000 ? 4 : 2) {
                let second = n * 2 + k * 20
                lines.append(
                    String(format: "Nov 20 %02d:%02d:%02d", 1 + second / 3600 % 20, second / 60 % 60, second % 60)
                        + " host sshd[\(1000 + n)]: Failed password for invalid user u\(n % 97) from \(ip) port 22 ssh2")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("jail.local")
        try """
        [sshd]
        enabled = true
        filter = /etc/fail2ban/filter.d/sshd.conf
        logpath = \(log)
        maxretry = 3
        findtime = 1h
        bantime = 1h
        [sshd-too]
        enabled = true
        filter = /etc/fail2ban/filter.d/sshd.conf
        logpath = \(log)
        maxretry = 3
        findtime = 1h
        bantime = 1h
        """.write(to: config, atomically: true, encoding: .utf8)
        let html = dir.appendingPathComponent("big.html")
        let made = try TestSupport.failscan([
            "jails", "--config", dir.path, "--now", "1795600000", "--format", "html", "--output", html.path,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: html.path)[.size] as? Int ?? 0
        #expect(size > 0 && size < 5_000_000, "\(size) bytes")
        let text = try String(contentsOf: html, encoding: .utf8)
        let rows = Self.rows(text)
        #expect(Set(rows.filter { $0["bans"] != "0" }.compactMap { $0["ip"] }).count >= 5000)
        #expect(rows.count <= 10_000 && text.contains("every banned one, then the others with most failures"))
        let opened = try Self.browse(html.absoluteString)
        #expect(opened.console.isEmpty, "\(opened.console)")
    }
}
