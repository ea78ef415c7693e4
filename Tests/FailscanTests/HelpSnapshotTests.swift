import Foundation
import TestSupport
import Testing

/// The help text, exactly as users see it (80 columns), against committed snapshots: a
/// changed option or wording shows up in review. `FAILSCAN_UPDATE_SNAPSHOTS=1 swift test
/// --filter HelpSnapshot` writes them anew.
@Suite struct HelpSnapshotTests {
    static let commands: [[String]] = [[], ["scan"], ["regex"], ["jails"], ["tune"], ["map"], ["reduce"]]

    @Test(arguments: commands)
    func helpMatchesTheSnapshot(_ command: [String]) throws {
        let out = try TestSupport.failscan(command + ["--help"], environment: ["COLUMNS": "80"])
        #expect(out.status == 0)
        let name = (["failscan"] + command).joined(separator: "-") + ".txt"
        let path = TestSupport.packageRoot.appendingPathComponent("Tests/FailscanTests/Snapshots/\(name)").path
        if ProcessInfo.processInfo.environment["FAILSCAN_UPDATE_SNAPSHOTS"] == "1" {
            try out.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let snapshot = try String(contentsOfFile: path, encoding: .utf8)
        #expect(out.stdout == snapshot, "help of \(name) changed; if on purpose, update the snapshot")
    }

    /// Every enum-valued option lists its values from the enum itself.
    @Test func enumValuesComeFromTheEnums() throws {
        // (Wrapped help text read as one line of single spaces.)
        let scan = try TestSupport.failscan(["scan", "--help"], environment: ["COLUMNS": "200"]).stdout
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(
            scan.contains(
                "(values: list, json, csv, iptables, ip6tables, ipset, nft, firewalld, crowdsec, crowdsec-json, fail2ban-db, sqlite, html; default: list)"
            )
        )
        #expect(scan.contains("(values: failmanager, sliding; default: failmanager)"))
        #expect(scan.contains("(values: isal, zlib; default: isal)"))
    }

    @Test func versionNamesPCRE2AndTheDecompressors() throws {
        let out = try TestSupport.failscan(["--version"])
        #expect(out.status == 0)
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("failscan ") == true)
        #expect(out.stdout.contains("PCRE2 10."))
        #expect(out.stdout.contains("(JIT available)"))
        for library in ["ISA-L ", "zlib ", "zstd ", "liblzma ", "bzip2 "] { #expect(out.stdout.contains(library), "\(library)") }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsAreGenerated(shell: String) throws {
        let out = try TestSupport.failscan(["--generate-completion-script", shell])
        #expect(out.status == 0)
        for word in ["scan", "regex", "jails", "maxretry", "no-rotated"] { #expect(out.stdout.contains(word), "\(shell): \(word)") }
        if shell == "bash" {
            let dir = try TestSupport.temporaryDirectory()
            let file = dir.appendingPathComponent("failscan.bash").path
            try out.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try TestSupport.run("/bin/bash", ["-n", file]).status == 0, "bash -n accepts the script")
        }
    }
}
