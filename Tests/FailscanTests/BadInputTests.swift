import Foundation
import TestSupport
import Testing

/// Bad inputs as a hostile user or a careless admin would give them (issue 9): every
/// firewall file is checked by its real client in a private network namespace, and
/// strictly (only failscan's own rule shapes, canonical addresses, one chain or set per
/// jail); nothing crashes, hangs, loses lines or replaces what it must not.
@Suite struct BadInputTests {
    static let filter = "Failed password for .* from <HOST>"

    /// A jail configuration directory with `jail.local` and a log of `lines`.
    func configuration(_ jails: String, log lines: [String] = [], logName: String = "auth.log") throws -> (dir: String, log: String) {
        let dir = try TestSupport.temporaryDirectory().path
        let log = dir + "/" + logName
        try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: log, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/filter.d", withIntermediateDirectories: true)
        try "[Definition]\nfailregex = \(Self.filter)\n".write(toFile: dir + "/filter.d/pw.conf", atomically: true, encoding: .utf8)
        try jails.replacingOccurrences(of: "LOG", with: log).write(toFile: dir + "/jail.local", atomically: true, encoding: .utf8)
        return (dir, log)
    }

    static func failure(_ address: String, second: Int = 0) -> String {
        let time = String(format: "10:%02d:%02d", second / 60, second % 60)
        return "Nov 25 \(time) host sshd[7]: Failed password for root from \(address) port 22 ssh2"
    }

    /// The real client's verdict on a firewall file, in a private network namespace.
    func clientAccepts(_ format: String, _ file: String) throws -> TestSupport.Output {
        let check: [String]
        switch format {
        case "iptables": check = ["/usr/sbin/iptables-restore", "--test"]
        case "ip6tables": check = ["/usr/sbin/ip6tables-restore", "--test"]
        case "ipset": check = ["/bin/sh", "-c", "/usr/sbin/ipset restore < \"$0\""]
        default: check = ["/usr/sbin/nft", "-c", "-f"]
        }
        return try TestSupport.run("/usr/bin/unshare", ["-rn"] + check + [file])
    }

    @Test func aMultiLinePortNeverBecomesARule() throws {
        let (dir, _) = try configuration(
            """
            [pw]
            enabled = true
            filter = pw
            logpath = LOG
            maxretry = 1
            port = ssh
                   -A INPUT -j ACCEPT
            """, log: [Self.failure("192.0.2.7")])
        let out = dir + "/rules"
        try "old\n".write(toFile: out, atomically: true, encoding: .utf8)
        let run = try TestSupport.failscan(["jails", "--config", dir, "--format", "iptables", "--output", out, "--now", "1795600000"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("[pw] port"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "old\n", "the old file stays")
    }

    @Test(arguments: ["tcp; reboot", "$(reboot)", "icmp"])
    func aBadProtocolIsRefused(_ proto: String) throws {
        let (dir, _) = try configuration(
            "[pw]\nenabled = true\nfilter = pw\nlogpath = LOG\nmaxretry = 1\nprotocol = \(proto)\n", log: [Self.failure("192.0.2.7")])
        for format in ["iptables", "nft", "ipset"] {
            let run = try TestSupport.failscan(["jails", "--config", dir, "--format", format, "--now", "1795600000"])
            #expect(run.status == 2, "\(format): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test(arguments: ["$(reboot)", "22 -j ACCEPT", "99999", "ssh,nosuchservice", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "10:5"])
    func aBadPortIsRefused(_ port: String) throws {
        let (dir, _) = try configuration(
            "[pw]\nenabled = true\nfilter = pw\nlogpath = LOG\nmaxretry = 1\nport = \(port)\n", log: [Self.failure("192.0.2.7")])
        let run = try TestSupport.failscan(["jails", "--config", dir, "--format", "iptables", "--now", "1795600000"])
        #expect(run.status == 2, "\(port): \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// Names that are too long, share a prefix, differ only in characters a target does not
    /// allow, or hold spaces, quotes, `$(` and non-ASCII: one chain or set per jail, each
    /// file accepted by its client, the mapping in the file's comments.
    @Test func jailNamesMapInjectivelyAndSafely() throws {
        let names = [
            "a-very-long-jail-name-for-the-mail-server-one", "a-very-long-jail-name-for-the-mail-server-two", "a-b", "a_b",
            "my jail", "quote\"d", "dollar$(x)", "jäil",
        ]
        let jails = names.map { name in
            "[\(name)]\nenabled = true\nfilter = pw\nlogpath = LOG\nmaxretry = 1\nport = ssh,imap\n"
        }.joined(separator: "\n")
        let (dir, _) = try configuration(jails, log: [Self.failure("192.0.2.7"), Self.failure("2001:db8::7", second: 1)])
        for format in ["iptables", "ip6tables", "ipset", "nft"] {
            let file = dir + "/out.\(format)"
            let run = try TestSupport.failscan(["jails", "--config", dir, "--format", format, "--output", file, "--now", "1795600000"])
            #expect(run.status == 0, "\(format): \(run.stderr)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let verdict = try clientAccepts(format, file)
            #expect(verdict.status == 0, "\(format) client: \(verdict.stderr)\n\(text)")
            #expect(text.allSatisfy { $0.isASCII }, "\(format) is ASCII")
            #expect(!text.contains("$(") && !text.contains("\"d"), "\(format): nothing raw from the configuration")
            let mapped = text.split(separator: "\n").filter { $0.hasPrefix("# failscan: jail [") }
            #expect(mapped.count == names.count, "\(format): one mapping comment per jail")
            let targets = mapped.map { $0.split(separator: ">").last! }
            #expect(Set(targets).count == names.count, "\(format): distinct names")
        }
    }

    /// Leading zeros (octal to fail2ban and iptables, decimal to others) and impossible
    /// addresses are not addresses; unspecified, loopback, multicast and reserved ones are
    /// never banned.
    @Test func ambiguousAndUnbannableAddressesNeverReachAFirewall() throws {
        let odd = [
            "010.001.002.003", "1.02.3.4", "::ffff:01.2.3.4", "300.1.1.1", "::ffff:0.0.0.0", "127.0.0.1", "224.0.0.1",
            "255.255.255.255", "::1", "ff02::1", "::",
        ]
        let lines = odd.enumerated().map { Self.failure($1, second: $0) } + [Self.failure("192.0.2.9", second: 30)]
        let (dir, _) = try configuration("[pw]\nenabled = true\nfilter = pw\nlogpath = LOG\nmaxretry = 1\n", log: lines)
        let list = try TestSupport.failscan(["jails", "--config", dir, "--format", "list", "--now", "1795600000"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout == "192.0.2.9\n")
        #expect(list.stderr.contains("named an address that is not one"))
        #expect(list.stderr.contains("unspecified, loopback, multicast or reserved"))
        for format in ["iptables", "ip6tables", "ipset", "nft"] {
            let file = dir + "/odd.\(format)"
            let run = try TestSupport.failscan(["jails", "--config", dir, "--format", format, "--output", file, "--now", "1795600000"])
            #expect(run.status == 0, "\(format): \(run.stderr)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for address in ["10.1.2.3", "8.1.2.3", "1.2.3.4", "0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255", "ff02::1", " ::1"] {
                #expect(!text.contains(address), "\(format) holds \(address)")
            }
            #expect(try clientAccepts(format, file).status == 0, "\(format)")
        }
    }

    @Test func outputsOtherThanRegularFilesAreNotReplaced() throws {
        let (dir, log) = try configuration("", log: [Self.failure("192.0.2.7")])
        let base = ["scan", "--filter", dir + "/filter.d/pw.conf", "--maxretry", "1", "--now", "1795600000", log]
        let devnull = try TestSupport.failscan(base + ["--output", "/dev/null"])
        #expect(devnull.status == 0, "\(devnull.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = try TestSupport.run(
            "/bin/sh",
            ["-c", "cat \"$0\" > \"$0.out\" & \"$@\"; status=$?; wait; exit $status", fifo, TestSupport.failscanBinary] + base + [
                "--output", fifo,
            ])
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(try String(contentsOfFile: fifo + ".out", encoding: .utf8) == "192.0.2.7\n")
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
        let directory = try TestSupport.failscan(base + ["--output", dir])
        #expect(directory.status == 3)
        #expect(directory.stderr.contains("Is a directory"))
    }

    @Test(arguments: [
        ["--now", "9223372036854775807"], ["--bantime", "99999999999999999999"], ["--findtime", "300000000000y"],
        ["--findtime", "-9223372036854775808"], ["--maxretry", "0"], ["--threads", "0"], ["--timezone", "+9999"],
        ["--since", "2026-13-45"], ["--datepattern", ""],
    ])
    func extremeNumbersAndGarbageAreUsageErrors(_ arguments: [String]) throws {
        let (dir, log) = try configuration("", log: [Self.failure("192.0.2.7")])
        let run = try TestSupport.failscan(["scan", "--filter", dir + "/filter.d/pw.conf"] + arguments + [log])
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Error:"))
    }

    @Test(arguments: [
        "bantime = 99999999999999999999", "bantime = 300000000000y", "findtime = -9223372036854775808", "maxretry = 99999999",
    ])
    func extremeNumbersInAJailAreConfigurationErrors(_ line: String) throws {
        let (dir, _) = try configuration("[pw]\nenabled = true\nfilter = pw\nlogpath = LOG\n\(line)\n", log: [Self.failure("192.0.2.7")])
        let run = try TestSupport.failscan(["jails", "--config", dir])
        #expect(run.status == 2, "\(line): \(run.stderr)")
        #expect(run.stderr.contains("jail.local"))
    }

    @Test func unknownDatePatternDirectiveIsRefused() throws {
        let (dir, log) = try configuration("", log: [Self.failure("192.0.2.7")])
        let run = try TestSupport.failscan(["scan", "--filter", dir + "/filter.d/pw.conf", "--datepattern", "%Q", log])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown directive %Q"))
    }

    @Test func jailsWithNothingToReadExitThreeAndKeepTheOutput() throws {
        let (dir, _) = try configuration("[pw]\nenabled = true\nfilter = pw\nlogpath = /nonexistent/*.log\n")
        let out = dir + "/rules"
        try "old\n".write(toFile: out, atomically: true, encoding: .utf8)
        for threads in ["1", "2", "3"] {
            let run = try TestSupport.failscan(["jails", "--config", dir, "--threads", threads, "--format", "iptables", "--output", out])
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stderr.contains("no log file matches"))
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "old\n")
    }

    @Test func tagsThatDoubleAreBounded() throws {
        let dir = try TestSupport.temporaryDirectory().path
        var lines = ["[Definition]", "t0 = ab"]
        for level in 1...30 { lines.append("t\(level) = <t\(level - 1)><t\(level - 1)>") }
        lines.append("failregex = <t30> <HOST>")
        try lines.joined(separator: "\n").write(toFile: dir + "/doubling.conf", atomically: true, encoding: .utf8)
        let run = try TestSupport.failscan(["regex", TestSupport.corpus("logs/auth.log"), dir + "/doubling.conf"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("expands beyond 1 MiB"))
    }

    /// 20,000 matched lines without a date below one dated line: each takes that date
    /// (read once, not once per line: this took minutes when it was quadratic).
    @Test func undatedMatchedLinesTakeTheDateAboveInLinearTime() throws {
        let lines =
            ["Nov 25 10:00:00 host sshd[1]: start"] + (0..<20_000).map { "Failed password for root from 192.0.2.\($0 % 250 + 1) port 22" }
        let (_, log) = try configuration("", log: lines)
        let run = try TestSupport.failscan(["regex", "--now", "1795600000", log, Self.filter])
        #expect(run.status == 0)
        #expect(TestSupport.reportLines(run.stdout)?.matched == 20000, "\(run.stdout)")
    }

    /// SIGTERM while a fail2ban database is being built beside its target: the temporary
    /// file is removed and the target never appears half-written.
    @Test func aSignalLeavesNoTemporaryFile() throws {
        let addresses = (0..<300_000).map { "10.\($0 >> 16).\($0 >> 8 & 0xff).\($0 & 0xff | 1)" }
        let (dir, _) = try configuration(
            "[pw]\nenabled = true\nfilter = pw\nlogpath = LOG\nmaxretry = 1\n", log: addresses.map { Self.failure($0) })
        let script = """
            "$1" jails --config "$0" --threads 1 --format fail2ban-db --output "$0/out.db" --now 1795600000 2>/dev/null &
            pid=$!
            seen=no
            for i in $(seq 4000); do
              if ls "$0"/.out.db.* >/dev/null 2>&1; then seen=yes; break; fi
              sleep 0.005
            done
            kill -TERM $pid
            wait $pid
            echo "status=$? seen=$seen"
            ls -A "$0"
            """
        let run = try TestSupport.run("/bin/sh", ["-c", script, dir, TestSupport.failscanBinary])
        #expect(run.stdout.contains("status=143 seen=yes"), "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("out.db"), "\(run.stdout)")
    }

    /// Issue 27: SIGKILL while an output is being written (a tune grid, written setting by
    /// setting) leaves nothing: the file has no name (`O_TMPFILE`) until it is complete. The
    /// run is killed once it holds the output open (seen in /proc), whatever the file is.
    @Test func aKilledRunLeavesNoTemporaryFile() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let corpus = try TestSupport.run(
            "/usr/bin/python3",
            [TestSupport.corpus("generate.py"), "corpus", "--size", "8M", "--files", "1", "--seed", "5", "--fail-ratio", "0.3", dir])
        #expect(corpus.status == 0, "\(corpus.stderr)")
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let values = { (n: Int, step: Int) in (1...n).map { String($0 * step) }.joined(separator: ",") }
        let script = """
            "$1" tune --jail sshd --maxretry "$2" --findtime "$3" --bantime "$4" --format json --output "$0/out/grid.json" "$0/auth.log" 2>/dev/null &
            pid=$!
            seen=no
            for i in $(seq 6000); do
              if ls -l /proc/$pid/fd 2>/dev/null | grep -q "$0/out/"; then seen=yes; break; fi
              sleep 0.005
            done
            kill -KILL $pid
            wait $pid
            echo "status=$? seen=$seen"
            ls -A "$0/out"
            """
        let run = try TestSupport.run(
            "/bin/sh", ["-c", script, dir, TestSupport.failscanBinary, values(20, 1), values(20, 60), values(25, 60)])
        #expect(run.stdout.hasPrefix("status=137 seen=yes\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout == "status=137 seen=yes\n", "a file left behind: \(run.stdout)")
    }

    /// A regex that backtracks without end gives up on that line at PCRE2's match limit,
    /// and says so in every command (a ReDoS in a filter must not pass unnoticed). The line
    /// holds every literal the regex requires (`Failed `, `b from `), so that the literal
    /// gates let it through to PCRE2.
    @Test func regexLimitHitsAreReported() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let log = dir + "/redos.log"
        let line = "Nov 25 10:00:00 host x[1]: Failed " + String(repeating: "a", count: 40) + "c, then b from 192.0.2.1"
        try (line + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        try "[Definition]\nfailregex = Failed (?:a+)+b from <HOST>\n".write(toFile: dir + "/redos.conf", atomically: true, encoding: .utf8)
        try "[redos]\nenabled = true\nfilter = \(dir)/redos.conf\nlogpath = \(log)\n".write(
            toFile: dir + "/jail.local", atomically: true, encoding: .utf8)
        for arguments in [
            ["regex", log, dir + "/redos.conf"], ["jails", "--config", dir], ["scan", "--filter", dir + "/redos.conf", log],
        ] {
            let run = try TestSupport.failscan(arguments + ["--now", "1795600000"])
            #expect(run.status == 0, "\(arguments[0]): \(run.stderr)")
            #expect(
                run.stderr.contains("1 line(s) were given up on because a regex hit PCRE2's match limits"), "\(arguments[0]): \(run.stderr)"
            )
        }
    }

    @Test func lastLineWithoutNewlineIsReportedNotCounted() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let log = dir + "/cut.log"
        try (Self.failure("198.51.100.45") + "\n" + Self.failure("198.51.100.4", second: 1)).write(
            toFile: log, atomically: true, encoding: .utf8)
        let run = try TestSupport.failscan(["regex", "--now", "1795600000", log, Self.filter])
        #expect(TestSupport.reportLines(run.stdout)?.matched == 1, "\(run.stdout)")
        #expect(run.stderr.contains("the last line has no newline"))
        let counted = try TestSupport.failscan(["regex", "--now", "1795600000", "--count-unterminated", log, Self.filter])
        #expect(TestSupport.reportLines(counted.stdout)?.matched == 2, "\(counted.stdout)")
    }
}

/// Compressed and streamed input that used to lose lines silently (issue 9).
@Suite struct InputLossTests {
    let log = TestSupport.corpus("logs/mail.log")
    let filter = TestSupport.corpus("filters/qpoppermail.conf")

    func matched(_ path: String, stdin: String? = nil) throws -> (Int, TestSupport.Output) {
        let run: TestSupport.Output
        if let stdin {
            run = try TestSupport.run(
                "/bin/sh", ["-c", "\"$0\" regex --now 1795600000 - \"$1\" < \"$2\"", TestSupport.failscanBinary, filter, stdin])
        } else {
            run = try TestSupport.failscan(["regex", "--now", "1795600000", path, filter])
        }
        return (TestSupport.reportLines(run.stdout)?.matched ?? -1, run)
    }

    func sh(_ script: String, _ arguments: [String]) throws {
        let run = try TestSupport.run("/bin/sh", ["-c", script] + arguments)
        #expect(run.status == 0, "\(script): \(run.stderr)")
    }

    @Test func pipesFifosAndStandardInputLoseNothing() throws {
        let (reference, _) = try matched(log)
        #expect(reference > 10)
        let dir = try TestSupport.temporaryDirectory().path
        try sh("gzip -c \"$0\" > \"$1\"", [log, dir + "/mail.log.gz"])
        for input in [log, dir + "/mail.log.gz"] {
            let (count, run) = try matched("-", stdin: input)
            #expect(count == reference, "\(input) on standard input: \(run.stderr)")
            #expect(run.status == 0)
        }
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let viaFifo = try TestSupport.run(
            "/bin/sh",
            [
                "-c", "cat \"$0\" > \"$1\" & \"$2\" regex --now 1795600000 \"$1\" \"$3\"", dir + "/mail.log.gz", fifo,
                TestSupport.failscanBinary, filter,
            ])
        #expect(TestSupport.reportLines(viaFifo.stdout)?.matched == reference, "\(viaFifo.stderr)")
    }

    /// Issue 27: `regex --json` (the matched lines, then the report), `--costs` and
    /// `--compare` read the log twice: a FIFO hung on its second opening, and standard input
    /// gave an empty report. Each is read once, into memory: the same report as the file's,
    /// and an exit within seconds.
    @Test(arguments: [["--json"], ["--costs"], ["--json", "--costs"]])
    func twoPassesOverAFifoOrStandardInput(_ options: [String]) throws {
        let dir = try TestSupport.temporaryDirectory().path
        try sh("gzip -c \"$0\" > \"$1\"", [log, dir + "/mail.log.gz"])
        let fromFile = try TestSupport.failscan(["regex", "--now", "1795600000"] + options + [log, filter])
        // The report, without times (and, with --costs, without the cost table, which is all times).
        func normalized(_ text: String) -> String {
            if !options.contains("--json") { return TestSupport.reportLines(text).map { "\($0)" } ?? "no report" }
            return text.split(separator: "\n").filter { !$0.contains("\"matcherNanoseconds\"") }.joined(separator: "\n")
                .replacingOccurrences(of: #""seconds":[0-9.e-]+"#, with: "", options: .regularExpression)
        }
        #expect(fromFile.status == 0 && fromFile.stdout.contains("2558"), "\(fromFile.stderr)")
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let viaFifo = try TestSupport.run(
            "/usr/bin/timeout",
            [
                "20", "/bin/sh", "-c", "f=$1; b=$2; shift 2; cat \"$0\" > \"$f\" 2> /dev/null & exec \"$b\" regex --now 1795600000 \"$@\"",
                dir + "/mail.log.gz", fifo, TestSupport.failscanBinary,
            ] + options + [fifo, filter])
        #expect(viaFifo.status == 0, "a FIFO: exit \(viaFifo.status) \(viaFifo.stderr)")
        #expect(normalized(viaFifo.stdout.replacingOccurrences(of: fifo, with: log)) == normalized(fromFile.stdout))
        let viaStdin = try TestSupport.run(
            "/usr/bin/timeout",
            [
                "20", "/bin/sh", "-c", "b=$1; shift; exec \"$b\" regex --now 1795600000 \"$@\" < \"$0\"", dir + "/mail.log.gz",
                TestSupport.failscanBinary,
            ]
                + options + ["-", filter])
        #expect(viaStdin.status == 0, "standard input: exit \(viaStdin.status) \(viaStdin.stderr)")
        #expect(normalized(viaStdin.stdout.replacingOccurrences(of: "/dev/stdin", with: log)) == normalized(fromFile.stdout))
    }

    @Test func zstdSkippableFramesAndXzPaddingAreReadThrough() throws {
        let (reference, _) = try matched(log)
        let dir = try TestSupport.temporaryDirectory().path
        // A skippable frame first (as pzstd writes), another between two frames.
        let skippable = "printf '\\120\\052\\115\\030\\004\\000\\000\\000abcd'"
        try sh(
            "head -n 1500 \"$0\" > \"$1.a\"; tail -n +1501 \"$0\" > \"$1.b\"; { \(skippable); zstd -q -c \"$1.a\"; \(skippable); zstd -q -c \"$1.b\"; } > \"$1.zst\"",
            [log, dir + "/m"])
        let (zstdCount, zstdRun) = try matched(dir + "/m.zst")
        #expect(zstdCount == reference, "\(zstdRun.stderr)")
        #expect(zstdRun.status == 0, "\(zstdRun.stderr)")
        // xz stream padding (null bytes in fours) between and after streams.
        try sh(
            "{ xz -c \"$1.a\"; printf '\\000\\000\\000\\000'; xz -c \"$1.b\"; printf '\\000\\000\\000\\000\\000\\000\\000\\000'; } > \"$1.xz\"",
            [log, dir + "/m"])
        let (xzCount, xzRun) = try matched(dir + "/m.xz")
        #expect(xzCount == reference, "\(xzRun.stderr)")
        #expect(xzRun.status == 0, "\(xzRun.stderr)")
    }

    @Test func aBadCRCKeepsEveryLineThatInflated() throws {
        let (reference, _) = try matched(log)
        let dir = try TestSupport.temporaryDirectory().path
        let gz = dir + "/bad.gz"
        try sh("gzip -c \"$0\" > \"$1\"", [log, gz])
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: gz)))
        bytes[bytes.count - 8] ^= 0xff // the CRC32 of the trailer
        try Data(bytes).write(to: URL(fileURLWithPath: gz))
        let (count, run) = try matched(gz)
        #expect(count == reference, "\(run.stderr)")
        #expect(run.status == 1)
        #expect(run.stderr.contains("incorrect CRC") || run.stderr.contains("corrupt"))
    }

    @Test(arguments: [("lz4", [0x04, 0x22, 0x4d, 0x18] as [UInt8]), ("lzma", [0x5d, 0, 0, 0x80, 0]), ("compress", [0x1f, 0x9d, 0x90])])
    func unsupportedCompressionIsRefusedNotReadAsText(_ name: String, _ magic: [UInt8]) throws {
        let dir = try TestSupport.temporaryDirectory().path
        let path = dir + "/mail.log.1.\(name)"
        try Data(magic + Array(repeating: 0x41, count: 64)).write(to: URL(fileURLWithPath: path))
        let run = try TestSupport.failscan(["regex", path, filter])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("\(name) compression is not supported"))
    }
}
