import Fail2banConfig
import Foundation
import LogSource
import Matcher
import Output
import OutputBasics
import TestSupport
import Testing

@testable import Analyzer

@Suite struct WriterTests {
    let result = JailResult(
        jail: JailConfig(name: "dovecot", banTime: 600, port: "imap,imaps"),
        records: [
            JailRecord(id: .address(IPAddress("192.0.2.1")!), failures: 6, first: 10, last: 20, bans: [20], hits: [1: 6]),
            JailRecord(id: .address(IPAddress("192.0.2.2")!), failures: 1, first: 5, last: 5),
            JailRecord(id: .address(IPAddress("2001:db8::1")!), failures: 9, first: 1, last: 2, bans: [2], hits: [1: 8, 2: 1]),
        ])

    /// What `format`'s writer writes to standard output for `result`.
    func render(_ format: OutputFormat, activeAt: Int? = nil) throws -> String {
        final class Captured: @unchecked Sendable { var text = "" }
        let captured = Captured()
        var settings = OutputSettings(path: nil, now: 1_000, standardOutput: { captured.text += $0 })
        settings.activeAt = activeAt
        let writer = format.writer(settings)
        try writer.begin(jails: ["dovecot"], files: [])
        try writer.finish(JailReplay.Outcome(results: [result], summary: ScanSummary()))
        return captured.text
    }

    /// Issue 23: every format is one writer behind `OutputFormat.writer`; its kind decides
    /// what it needs (a database needs a file) and what it holds (firewalls: addresses only).
    @Test func everyFormatIsOneWriterBehindTheSeam() throws {
        for format in OutputFormat.allCases {
            switch format.kind {
            case .database:
                let writer = format.writer(OutputSettings(path: nil, now: 1_000, standardOutput: { _ in }))
                #expect(throws: OutputError.self, "\(format)") {
                    try writer.begin(jails: ["dovecot"], files: [])
                    try writer.finish(JailReplay.Outcome(results: [result], summary: ScanSummary()))
                }
                #expect(format.isDatabase && !format.holdsAddressesOnly)
            case .report:
                #expect(try render(format).hasPrefix("<!DOCTYPE html>"))
                #expect(format.writer(OutputSettings(path: nil, now: 0, standardOutput: { _ in })).wantsFailures)
            case .firewall:
                let text = try render(format)
                #expect(text.contains("192.0.2.1") || text.contains("2001:db8::1"), "\(format)")
                #expect(!text.contains("192.0.2.2"), "\(format): an address that was not banned")
                #expect(format.isFirewall && format.holdsAddressesOnly)
            case .text:
                #expect(try render(format).contains("192.0.2.1"), "\(format)")
                #expect(!format.isFirewall && !format.isDatabase)
            }
        }
    }

    @Test func listAndJSON() throws {
        #expect(try render(.list) == "192.0.2.1\n2001:db8::1\n")
        let json = try render(.json).split(separator: "\n")
        #expect(json.count == 3)
        #expect(
            json[1]
                == #"{"banned":false,"bans":[],"failregex":{},"failures":1,"first":5,"ip":"192.0.2.2","jail":"dovecot","last":5,"until":[]}"#
        )
        #expect(
            json[2]
                == #"{"banned":true,"bans":[2],"failregex":{"1":8,"2":1},"failures":9,"first":1,"ip":"2001:db8::1","jail":"dovecot","last":2,"until":[602]}"#
        )
        #expect(try render(.list, activeAt: 610) == "192.0.2.1\n") // 2 + 600 < 610 <= 20 + 600
    }

    @Test func iptablesFilesSeparateFamilies() throws {
        let v4 = try render(.iptables)
        #expect(v4.contains("-A failscan -p tcp -m multiport --dports imap,imaps -j failscan-dovecot\n"))
        #expect(v4.contains("-A failscan-dovecot -s 192.0.2.1 -j REJECT --reject-with icmp-port-unreachable\n"))
        #expect(!v4.contains("2001:db8::1") && !v4.contains("192.0.2.2") && !v4.contains("f2b-"))
        #expect(v4.hasSuffix("-A failscan-dovecot -j RETURN\nCOMMIT\n"))
        let v6 = try render(.ip6tables)
        #expect(v6.contains("-A failscan-dovecot -s 2001:db8::1 -j REJECT --reject-with icmp6-port-unreachable\n"))
        #expect(!v6.contains("192.0.2.1"))
    }

    @Test(arguments: [(OutputFormat.iptables, "iptables-restore"), (.ip6tables, "ip6tables-restore")])
    func restoreFilesAreAcceptedByTheRealClient(format: OutputFormat, tool: String) throws {
        let binary = ["/usr/sbin/\(tool)", "/sbin/\(tool)"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(binary, "\(tool) is not installed (apt-get install iptables)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-ipt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("rules").path
        try AtomicFile.write(Array(try render(format).utf8), to: file)
        // In a fresh network namespace, so the host's tables are never touched.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-rn", path, "--test", file]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
