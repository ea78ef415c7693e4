import Foundation
import LogSource
import TestSupport
import Testing

/// `FileRoot`: paths of a restored system resolved inside it as chroot would.
@Suite struct FileRootTests {
    @Test func linksResolveInsideTheRoot() throws {
        let root = try TestSupport.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("var/log/old"), withIntermediateDirectories: true)
        try "x".write(to: root.appendingPathComponent("var/log/old/a"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root.path + "/var/log/abs", withDestinationPath: "/var/log/old/a")
        try fm.createSymbolicLink(atPath: root.path + "/var/log/rel", withDestinationPath: "old/a")
        try fm.createSymbolicLink(atPath: root.path + "/var/log/up", withDestinationPath: "../../../../../../../../etc/passwd")
        try fm.createSymbolicLink(atPath: root.path + "/logs", withDestinationPath: "/var/log")
        let fileRoot = try FileRoot(root.path)
        let real = fileRoot.directory
        #expect(fileRoot.resolve("/var/log/abs") == real + "/var/log/old/a")
        #expect(fileRoot.resolve("/var/log/rel") == real + "/var/log/old/a")
        #expect(fileRoot.resolve("/logs/abs") == real + "/var/log/old/a")
        #expect(fileRoot.resolve("/var/log/up") == real + "/etc/passwd", "`..` never climbs above the root")
        #expect(fileRoot.resolve("/../../etc/shadow") == real + "/etc/shadow")
        // abs, old, rel, up: what exists inside the root, each once (up leads nowhere there).
        #expect(fileRoot.expand("/logs/*") == [real + "/var/log/old/a", real + "/var/log/old"])
        #expect(fileRoot.systemPath(real + "/var/log/old/a") == "/var/log/old/a")
    }

    /// A chain longer than the kernel's limit ending outside: never handed to the kernel.
    @Test func aLongChainOfLinksLeadsNowhere() throws {
        let root = try TestSupport.temporaryDirectory()
        let outside = try TestSupport.temporaryDirectory()
        try "secret".write(to: outside.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root.path + "/l45", withDestinationPath: outside.path + "/secret")
        for k in (0..<45).reversed() { try fm.createSymbolicLink(atPath: root.path + "/l\(k)", withDestinationPath: "l\(k + 1)") }
        let fileRoot = try FileRoot(root.path)
        let resolved = fileRoot.resolve("/l0")
        #expect(!resolved.hasPrefix(outside.path))
        #expect((try? String(contentsOfFile: resolved, encoding: .utf8)) == nil, "\(resolved)")
        #expect(fileRoot.expand("/l*").allSatisfy { !$0.hasPrefix(outside.path) })
        #expect(throws: ScanError.self) { try FileRoot(outside.path + "/secret") }
    }
}
