import Foundation
import TestSupport
import Testing

/// `scripts/package` end to end: the Debian package it builds (the path on its last line)
/// is checked by `dpkg-deb --info/--contents` and lintian, unpacked with `dpkg -x`, and its
/// binary run: `--version`, a scan of the packaged examples that equals the development
/// build's scan of the Corpus, `man -l` on its pages; `ldd` names no Swift library, and
/// Depends names exactly the packages of the libraries `ldd` resolves.
@Suite struct PackageTests {
    static func run(_ command: String, _ arguments: [String]) throws -> TestSupport.Output {
        try TestSupport.run("/usr/bin/env", [command] + arguments)
    }

    @Test func debianPackageInstallsAndRuns() throws {
        let out = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/package").path
        let built = try Self.run("bash", [script, out.path])
        try #require(built.status == 0, "\(built.stderr.suffix(3000))")
        let deb = String(built.stdout.split(separator: "\n").last ?? "")
        try #require(deb.hasSuffix(".deb") && FileManager.default.fileExists(atPath: deb), "last line: \(deb)")

        // The control fields: the version of the binary it holds, Depends from its libraries.
        func field(_ name: String) throws -> String {
            try Self.run("dpkg-deb", ["--field", deb, name]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let version = try TestSupport.failscan(["--version"]).stdout.split(separator: "\n")[0]
        #expect(try "failscan \(field("Version"))" == version)
        #expect(try field("Package") == "failscan")
        let info = try Self.run("dpkg-deb", ["--info", deb])
        #expect(info.status == 0 && info.stdout.contains("Description: offline fail2ban"), "\(info.stdout)")
        let depends = Set(
            try field("Depends").split(separator: ",").map {
                String($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
            })

        // The files: binary, a man page per command, completions, docs, examples; no /etc.
        let listing = try Self.run("dpkg-deb", ["--contents", deb])
        let paths = Set(listing.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        var expected = [
            "./usr/bin/failscan", "./usr/share/bash-completion/completions/failscan",
            "./usr/share/zsh/vendor-completions/_failscan", "./usr/share/fish/vendor_completions.d/failscan.fish",
            "./usr/share/doc/failscan/README.md.gz", "./usr/share/doc/failscan/BENCHMARKS.md.gz",
            "./usr/share/doc/failscan/copyright", "./usr/share/doc/failscan/changelog.gz",
            "./usr/share/doc/failscan/examples/logs/mail.log.2.gz",
        ]
        for page in ["failscan", "failscan.scan", "failscan.regex", "failscan.jails", "failscan.tune", "failscan.map", "failscan.reduce"] {
            expected.append("./usr/share/man/man1/\(page).1.gz")
        }
        for filter in ["qpopperauth", "qpoppermail", "dovecot"] {
            expected.append("./usr/share/doc/failscan/examples/filters/\(filter).conf")
        }
        for path in expected { #expect(paths.contains(path), "\(path) is not in the package") }
        #expect(!paths.contains { $0.hasPrefix("./etc") }, "nothing under /etc")

        // lintian: no error and no warning.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/lintian") {
            let lint = try Self.run("lintian", ["--tag-display-limit", "0", deb])
            let tags = lint.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
            #expect(tags.isEmpty, "\(tags.joined(separator: "\n"))")
        }

        // Unpacked into a scratch root, the binary runs.
        let root = out.appendingPathComponent("root").path
        #expect(try Self.run("dpkg", ["-x", deb, root]).status == 0)
        let binary = root + "/usr/bin/failscan"
        let shown = try TestSupport.run(binary, ["--version"])
        #expect(shown.status == 0 && shown.stdout.hasPrefix(version + "\n"), "\(shown.stdout)")
        for word in ["PCRE2 ", "(JIT available)", "ISA-L ", "zlib ", "zstd ", "liblzma ", "bzip2 "] {
            #expect(shown.stdout.contains(word), "--version names \(word)")
        }
        let examples = root + "/usr/share/doc/failscan/examples"
        let now = "1766275200"
        let installed = try TestSupport.run(
            binary,
            ["scan", "--now", now, "--format", "json", "--filter", examples + "/filters/dovecot.conf"]
                + ["mail.log.gz", "mail.log.1.gz", "mail.log.2.gz"].map { examples + "/logs/" + $0 })
        let developed = try TestSupport.failscan(
            ["scan", "--now", now, "--format", "json", "--filter", TestSupport.corpus("filters/dovecot.conf")]
                + ["mail.log", "mail.log.1", "mail.log.2.gz"].map { TestSupport.corpus("logs/" + $0) })
        #expect(installed.status == 0 && developed.status == 0, "\(installed.stderr)\n\(developed.stderr)")
        #expect(installed.stdout.contains("\"banned\":true"), "the examples ban someone")
        #expect(installed.stdout == developed.stdout, "the packaged binary scans the examples as the build scans the Corpus")
        let page = try TestSupport.run(
            "/usr/bin/man", ["-l", root + "/usr/share/man/man1/failscan.scan.1.gz"], environment: ["MANWIDTH": "80"])
        #expect(page.stdout.contains("failscan scan") && page.stdout.contains("--filter"), "\(page.stdout.prefix(400))")
        // The pages say what --help says: values and defaults, failscan's exit statuses once.
        let jails = try TestSupport.run(
            "/usr/bin/man", ["-l", root + "/usr/share/man/man1/failscan.jails.1.gz"], environment: ["MANWIDTH": "200"])
        #expect(jails.stdout.contains("(values: list, json, csv, iptables,") && jails.stdout.contains("default: list)"), "\(jails.stdout)")
        #expect(jails.stdout.contains("64    invalid command-line usage") || jails.stdout.contains("64   invalid command-line usage"))
        let top = try TestSupport.run("/usr/bin/man", ["-l", root + "/usr/share/man/man1/failscan.1.gz"], environment: ["MANWIDTH": "200"])
        #expect(top.stdout.components(separatedBy: "EXIT STATUS").count == 2, "one EXIT STATUS section: \(top.stdout)")
        #expect(!paths.contains("./usr/share/man/man1/failscan.help.1.gz") && !top.stdout.contains("failscan.help"))
        #expect(top.stdout.contains("EXAMPLES") && top.stdout.contains("failscan jails --format nft --output bans.nft"), "\(top.stdout)")

        // ldd: no Swift library, nothing missing, and the libraries' packages are Depends.
        let libraries = try Self.run("ldd", [binary])
        #expect(!libraries.stdout.lowercased().contains("swift") && !libraries.stdout.contains("not found"), "\(libraries.stdout)")
        // The libraries the binary links itself (NEEDED); theirs are their packages' business
        // (libsystemd0 brings libcap2, liblz4-1, libgcrypt20).
        let dynamic = try Self.run("readelf", ["-d", binary])
        let needed = Set(
            dynamic.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
                line.split(separator: "[").last?.split(separator: "]").first.map(String.init)
            })
        #expect(needed.contains("libsystemd.so.0") && needed.contains("libpcre2-8.so.0"), "\(needed.sorted())")
        var owners = Set<String>()
        for line in libraries.stdout.split(separator: "\n") {
            guard let arrow = line.range(of: "=> ") else { continue }
            guard needed.contains(line[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)) else { continue }
            let path = String(line[arrow.upperBound...].split(separator: " ")[0])
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            // dpkg knows a library under /lib or /usr/lib (merged /usr).
            let candidates =
                [path, real, real.replacingOccurrences(of: "/usr/lib/", with: "/lib/")]
                + [real.hasPrefix("/lib/") ? "/usr" + real : real]
            var owner: String?
            for candidate in candidates where owner == nil {
                let found = try Self.run("dpkg", ["-S", candidate])
                if found.status == 0 { owner = found.stdout.split(separator: ":")[0].trimmingCharacters(in: .whitespaces) }
            }
            try #require(owner != nil, "no package owns \(path)")
            owners.insert(owner!)
        }
        #expect(owners == depends, "Depends \(depends.sorted()) against the libraries' packages \(owners.sorted())")
        for package in ["libpcre2-8-0", "libisal2", "zlib1g", "libzstd1", "liblzma5", "libbz2-1.0", "libsqlite3-0", "libsystemd0"] {
            #expect(depends.contains(package), "Depends names \(package)")
        }
    }
}
