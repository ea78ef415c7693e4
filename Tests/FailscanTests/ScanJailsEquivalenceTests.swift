import Foundation
import TestSupport
import Testing

/// `failscan scan` is the replay of one jail: on the same logs with the same settings it
/// must decide exactly what `failscan jails` decides for that jail (issue 8).
@Suite struct ScanJailsEquivalenceTests {
    struct Case: Sendable, CustomStringConvertible {
        let filter: String
        let logs: [String]
        let window: String
        var description: String { "\(filter) \(window)" }
    }

    static let cases = [
        Case(filter: TestSupport.corpus("filters/dovecot.conf"), logs: ["mail.log.2.gz", "mail.log.1", "mail.log"], window: "failmanager"),
        Case(filter: TestSupport.corpus("filters/dovecot.conf"), logs: ["mail.log.2.gz", "mail.log.1", "mail.log"], window: "sliding"),
        Case(filter: TestSupport.corpus("filters/qpopperauth.conf"), logs: ["auth.log"], window: "failmanager"),
        Case(filter: "/etc/fail2ban/filter.d/sshd.conf", logs: ["auth.log"], window: "failmanager"),
        Case(filter: "/etc/fail2ban/filter.d/dovecot.conf", logs: ["mail.log.2.gz", "mail.log.1", "mail.log"], window: "sliding"),
    ]

    @Test(arguments: cases)
    func scanAndJailsDecideTheSameBans(_ c: Case) throws {
        try #require(
            FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/sshd.conf"), Comment(rawValue: TestSupport.fail2banHint))
        let logs = c.logs.map { TestSupport.corpus("logs/\($0)") }
        let dir = try TestSupport.temporaryDirectory()
        // One jail, the same settings as the scan below; logpath names every file, so that
        // no rotated sibling outside the list is added.
        let jail = """
            [DEFAULT]
            ignoreip = 198.51.100.72

            [one]
            enabled = true
            filter = \(c.filter)
            logpath = \(logs.joined(separator: "\n          "))
            maxretry = 3
            findtime = 1h
            bantime = 2h
            """
        try jail.write(toFile: dir.appendingPathComponent("jail.local").path, atomically: true, encoding: .utf8)
        for format in ["json", "list", "iptables"] {
            let common = ["--format", format, "--window", c.window, "--now", "1795600000", "--threads", "2"]
            let viaJails = try TestSupport.failscan(["jails", "--config", dir.path, "--no-rotated"] + common)
            let viaScan = try TestSupport.failscan(
                [
                    "scan", "--filter", c.filter, "--name", "one", "--maxretry", "3", "--findtime", "1h",
                    "--bantime", "2h", "--ignoreip", "198.51.100.72",
                ] + common + logs)
            #expect(viaJails.status == 0, "\(viaJails.stderr)")
            #expect(viaScan.status == 0, "\(viaScan.stderr)")
            #expect(viaScan.stdout == viaJails.stdout, "\(format)")
            if format == "json" {
                #expect(viaScan.stdout.contains(#""banned":true"#), "the case should ban someone")
                #expect(!viaScan.stdout.contains("198.51.100.72"))
            }
        }
    }
}
