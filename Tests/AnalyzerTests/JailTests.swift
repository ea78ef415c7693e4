import Foundation
import Testing
@testable import Analyzer
import Matcher

@Suite struct IPAddressTests {
    @Test func canonicalForms() {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("2001:0db8:0000::0001")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:198.51.100.7") == IPAddress("198.51.100.7"))
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("fe80::1%eth0") == nil)
        #expect(IPAddress("mail.example.org") == nil)
    }

    @Test func cidrMembership() throws {
        let v4 = try #require(CIDR("192.168.0.0/24"))
        #expect(v4.contains(IPAddress("192.168.0.77")!))
        #expect(!v4.contains(IPAddress("192.168.1.1")!))
        let v6 = try #require(CIDR("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:1::5")!))
        #expect(!v6.contains(IPAddress("2001:db9::5")!))
        #expect(CIDR("127.0.0.1")!.contains(IPAddress("127.0.0.1")!))
        #expect(CIDR("10.0.0.0/33") == nil)
    }
}

@Suite struct BanPolicyTests {
    func ledger(_ times: [Int], id: String = "203.0.113.1") -> FailureLedger {
        var ledger = FailureLedger()
        ledger.add(times.map { Failure(id: .address(IPAddress(id)!), time: $0, file: 0, line: 0, failregex: 0) })
        ledger.finish()
        return ledger
    }

    @Test func maxretryWithinFindtime() {
        let policy = BanPolicy(maxRetry: 3, findTime: 600)
        #expect(policy.decide(ledger([0, 100, 600]))[0].banned)
        #expect(!policy.decide(ledger([0, 100, 601]))[0].banned)
        #expect(policy.decide(ledger([0, 700, 800, 1300]))[0].bannedAt == 1300)
        #expect(policy.decide(ledger([600, 0, 100]))[0].banned) // input order does not matter
        #expect(!policy.decide(ledger([0, 100]))[0].banned)
    }

    @Test func ignoreipIsNeverCounted() {
        let policy = BanPolicy(maxRetry: 1, findTime: 600, ignore: [CIDR("203.0.113.0/24")!])
        #expect(policy.decide(ledger([0, 1, 2])).isEmpty)
    }
}

@Suite struct WriterTests {
    let offenders = [
        Offender(id: .address(IPAddress("192.0.2.1")!), failures: 6, first: 10, last: 20, banned: true, bannedAt: 20),
        Offender(id: .address(IPAddress("192.0.2.2")!), failures: 1, first: 5, last: 5, banned: false, bannedAt: nil),
        Offender(id: .address(IPAddress("2001:db8::1")!), failures: 9, first: 1, last: 2, banned: true, bannedAt: 2),
    ]

    @Test func listAndJSON() {
        #expect(BanListWriter.render(offenders, format: .list, name: "x") == "192.0.2.1\n2001:db8::1\n")
        let json = BanListWriter.render(offenders, format: .json, name: "x").split(separator: "\n")
        #expect(json.count == 3)
        #expect(json[1] == #"{"ip":"192.0.2.2","failures":1,"first":5,"last":5,"banned":false}"#)
    }

    @Test func iptablesFilesSeparateFamilies() {
        let v4 = BanListWriter.render(offenders, format: .iptables, name: "dovecot")
        #expect(v4.contains("-A f2b-dovecot -s 192.0.2.1 -j REJECT --reject-with icmp-port-unreachable\n"))
        #expect(!v4.contains("2001:db8::1") && !v4.contains("192.0.2.2"))
        #expect(v4.hasSuffix("-A f2b-dovecot -j RETURN\nCOMMIT\n"))
        let v6 = BanListWriter.render(offenders, format: .ip6tables, name: "dovecot")
        #expect(v6.contains("-A f2b-dovecot -s 2001:db8::1 -j REJECT --reject-with icmp6-port-unreachable\n"))
        #expect(!v6.contains("192.0.2.1"))
    }

    @Test(arguments: [(OutputFormat.iptables, "iptables-restore"), (.ip6tables, "ip6tables-restore")])
    func restoreFilesAreAcceptedByTheRealClient(format: OutputFormat, tool: String) throws {
        let binary = ["/usr/sbin/\(tool)", "/sbin/\(tool)"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(binary, "\(tool) is not installed (apt-get install iptables)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-ipt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("rules").path
        try AtomicFile.write(Array(BanListWriter.render(offenders, format: format, name: "dovecot").utf8), to: file)
        // In a fresh network namespace when possible, so the host's tables are never touched.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-rn", path, "--test", file]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func atomicFileReplacesWholeOrNotAtAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("out.txt").path
        try AtomicFile.write(Array("one\n".utf8), to: path)
        try AtomicFile.write(Array("two\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write([1], to: "/nonexistent-dir/x") }
    }
}
