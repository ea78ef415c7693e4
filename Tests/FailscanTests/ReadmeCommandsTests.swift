import Foundation
import TestSupport
import Testing

/// Issue 25: the README's forensic and fleet sections work as printed. Every command of
/// their code blocks runs, in order, with the documented paths standing for trees built from
/// the Corpus (`/mnt/server`, `/srv/fleet/web1`, `/srv/fleet/web2`: a copy of the installed
/// /etc/fail2ban, the Corpus's logs in var/log, a generated journal), `failscan` on the PATH
/// and the Dask driver importable; each must exit 0 and write what it says.
@Suite struct ReadmeCommandsTests {
    /// The code blocks' commands of the README section headed `title`, comments cut, in order.
    static func commands(section title: String) throws -> [String] {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "\n## \(title)\n") else { throw ReadmeError(reason: "no section \(title)") }
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var commands: [String] = []
        var inBlock = false
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            // A comment after the command: two spaces or more, then "# ".
            var command = String(line)
            if let comment = command.range(of: #"\s{2,}# .*$"#, options: .regularExpression) { command.removeSubrange(comment) }
            command = command.trimmingCharacters(in: .whitespaces)
            if !command.isEmpty { commands.append(command) }
        }
        return commands
    }

    struct ReadmeError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// A host's tree: the installed configuration with jail.local enabling sshd, dovecot and
    /// postfix-sasl, the Corpus's logs, and a journal.
    static func host(at root: URL, seed: Int) throws {
        _ = try RootTests.restoredTree(at: root)
        let machine = root.appendingPathComponent("var/log/journal/5c1d6bd4a1a24b3f8f5de3d5b2d3c0a1")
        try FileManager.default.createDirectory(at: machine, withIntermediateDirectories: true)
        _ = try TestSupport.journal(entries: 1500, seed: seed, named: "system.journal", in: machine)
    }

    @Test func forensicAndFleetSectionsRunAsPrinted() throws {
        let trees = try TestSupport.temporaryDirectory()
        let places = ["/mnt/server": "server", "/srv/fleet/web1": "web1", "/srv/fleet/web2": "web2"]
        for (index, name) in ["server", "web1", "web2"].enumerated() {
            try Self.host(at: trees.appendingPathComponent(name), seed: 70 + index)
        }
        let work = try TestSupport.temporaryDirectory()
        let binaries = URL(fileURLWithPath: TestSupport.failscanBinary).deletingLastPathComponent().path
        let environment = [
            "PATH": "\(binaries):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")",
            "PYTHONPATH": TestSupport.packageRoot.appendingPathComponent("Drivers/dask").path, "TZ": "UTC",
        ]
        var ran = 0
        for title in ["Scan an archive or a disk image", "Scan a fleet"] {
            let commands = try Self.commands(section: title)
            #expect(commands.count >= 3, "\(title): \(commands)")
            for printed in commands {
                var command = printed
                for (place, name) in places {
                    command = command.replacingOccurrences(of: place, with: trees.appendingPathComponent(name).path)
                }
                let run = try TestSupport.run("/bin/sh", ["-c", "cd '\(work.path)' && \(command)"], environment: environment)
                #expect(run.status == 0, "\(printed)\n\(run.stderr.suffix(2000))")
                ran += 1
                // What the commands write: non-empty outputs, the rows the fleet's comment names.
                if printed.hasPrefix("sqlite3") {
                    #expect(
                        run.stdout.contains("web1:/var/log/auth.log\n") && run.stdout.contains("web2:/var/log/auth.log\n"), "\(run.stdout)")
                } else if printed.contains("--format json") {
                    #expect(run.stdout.split(separator: "\n").count > 3, "\(printed): \(run.stdout)")
                } else if printed.hasPrefix("python3 -m failscan_dask") {
                    #expect(run.stderr.contains("failscan_dask: 2 shards in 2 maps"), "\(run.stderr)")
                }
            }
        }
        #expect(ran >= 12)
        for output in ["server.nft", "sshd.html", "f2b.sqlite3", "fleet.nft", "fleet.sqlite", "fleet-dask.nft"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: work.appendingPathComponent(output).path)[.size] as? Int) ?? 0
            #expect(size > 100, "\(output): \(size) bytes")
        }
        // The fleet through Dask and through map and reduce: the same ruleset.
        let fleet = try String(contentsOf: work.appendingPathComponent("fleet.nft"), encoding: .utf8)
        let dask = try String(contentsOf: work.appendingPathComponent("fleet-dask.nft"), encoding: .utf8)
        #expect(fleet.contains("elements = {") && fleet == dask, "\(fleet)\n\(dask)")
    }
}
