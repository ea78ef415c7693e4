import Foundation
import TestSupport
import Testing

/// The built binary, end to end: output, help text and exit codes.
@Suite struct CommandLineTests {
    let logs = ["mail.log", "mail.log.1", "mail.log.2.gz"].map { TestSupport.corpus("logs/\($0)") }

    @Test func helpExplainsCommandsAndExitCodes() throws {
        let help = try TestSupport.failscan(["--help"])
        #expect(help.status == 0)
        for word in ["scan", "regex", "EXIT STATUS", "0  completed", "64"] { #expect(help.stdout.contains(word), "\(word)") }
        let scanHelp = try TestSupport.failscan(["scan", "--help"])
        for option in [
            "--filter", "--maxretry", "--findtime", "--ignoreip", "--format", "--output", "--no-prefilter", "--threads", "--config",
            "--now",
        ] {
            #expect(scanHelp.stdout.contains(option), "\(option)")
        }
    }

    /// Issue 23: a log line given on the command line is read from memory. It went through a
    /// temporary file, so a host without a writable temporary directory could not test a
    /// line at all (exit 3, "no input could be read").
    @Test func aLogLineOnTheCommandLineNeedsNoTemporaryFile() throws {
        let line = "Jan  2 03:04:05 host sshd[123]: Failed password for invalid user admin from 192.0.2.7 port 22 ssh2"
        let noTemp = ["TMPDIR": "/nonexistent/failscan-no-tmp"]
        let report = try TestSupport.failscan(["regex", "--now", "1795600000", line, "sshd"], environment: noTemp)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("Use      single line : Jan  2 03:04:05 host sshd[123]: Failed password fo..."))
        #expect(TestSupport.reportLines(report.stdout).map { [$0.lines, $0.matched] } == [1, 1])
        let ip = try TestSupport.failscan(["regex", "-o", "ip", line, "sshd"], environment: noTemp)
        #expect(ip.status == 0 && ip.stdout == "192.0.2.7\n", "\(ip.stderr)")
        let json = try TestSupport.failscan(["regex", "--json", "--now", "1795600000", line, "sshd"], environment: noTemp)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.hasPrefix(#"{"failregex":"#) && json.stdout.contains(#""file":"-","#) && json.stdout.contains(#""line":1,"#))
        let compare = try TestSupport.failscan(["regex", "--compare", "sshd[mode=aggressive]", line, "sshd"], environment: noTemp)
        #expect(compare.status == 0 && compare.stdout.contains("A matched 1, B matched 1"), "\(compare.stderr)")
    }

    @Test func scanPrintsTheBanList() throws {
        let out = try TestSupport.failscan(["scan", "--filter", TestSupport.corpus("filters/qpoppermail.conf")] + logs)
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count >= 3)
        #expect(lines.allSatisfy { $0.split(separator: ".").count == 4 || $0.contains(":") })
    }

    @Test func prefilterDoesNotChangeTheResult() throws {
        for filter in ["filters/dovecot.conf", "filters/qpoppermail.conf"] {
            let on = try TestSupport.failscan(["scan", "--format", "json", "--filter", TestSupport.corpus(filter)] + logs)
            let off = try TestSupport.failscan(
                ["scan", "--format", "json", "--no-prefilter", "--filter", TestSupport.corpus(filter)] + logs)
            #expect(on.stdout == off.stdout)
            #expect(!on.stdout.isEmpty)
        }
    }

    @Test func legacyHostGroupIsAnnouncedOnce() throws {
        let out = try TestSupport.failscan(["scan", "--filter", TestSupport.corpus("filters/dovecot.conf")] + logs)
        #expect(out.status == 0)
        #expect(out.stderr.components(separatedBy: "host capture").count == 2)
    }

    @Test func jsonLinesCarryTheFields() throws {
        let out = try TestSupport.failscan(
            ["scan", "--format", "json", "--maxretry", "10", "--filter", TestSupport.corpus("filters/qpoppermail.conf")] + logs)
        let rows = try out.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(Set(row.keys) == ["ip", "jail", "failures", "first", "last", "banned", "bans", "until", "failregex"])
            let failures = row["failures"] as! Int
            #expect((row["banned"] as! Bool) == false || failures >= 10)
            #expect((row["first"] as! Int) <= (row["last"] as! Int))
        }
    }

    /// Host names `<HOST>` matched: fail2ban resolves them (usedns = warn) and drops the
    /// failure when they do not resolve. Offline they are reported, never banned, unless
    /// --resolve-hosts looks them up through the system resolver.
    @Test func hostNamesAreReportedOrResolved() throws {
        let dir = try TestSupport.temporaryDirectory()
        let filter = dir.appendingPathComponent("hosts.conf").path
        try "[Definition]\nfailregex = auth failed from <HOST>$\n".write(toFile: filter, atomically: true, encoding: .utf8)
        let log = dir.appendingPathComponent("hosts.log").path
        var text = ""
        for (second, host) in ["192.0.2.1", "localhost", "nothing.invalid", "192.0.2.1", "localhost", "nothing.invalid"].enumerated() {
            text += "2026-11-20 10:00:0\(second) auth failed from \(host)\n"
        }
        try text.write(toFile: log, atomically: true, encoding: .utf8)
        func rows(_ extra: [String]) throws -> ([String: [String: Any]], String) {
            let out = try TestSupport.failscan(
                ["scan", "--filter", filter, "--maxretry", "2", "--format", "json", "--no-ignoreself"] + extra + [log])
            #expect(out.status == 0, "\(out.stderr)")
            var rows: [String: [String: Any]] = [:]
            for line in out.stdout.split(separator: "\n") {
                let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                rows[row["ip"] as! String] = row
            }
            return (rows, out.stderr)
        }
        let (plain, note) = try rows([])
        #expect(plain["192.0.2.1"]?["banned"] as? Bool == true)
        #expect(plain["localhost"]?["banned"] as? Bool == false && plain["localhost"]?["failures"] as? Int == 2)
        #expect(plain["nothing.invalid"]?["banned"] as? Bool == false)
        #expect(note.contains("4 failure(s) from 2 host name(s)"), "\(note)")
        let (resolved, _) = try rows(["--resolve-hosts"])
        #expect(resolved["127.0.0.1"]?["banned"] as? Bool == true, "localhost resolves through /etc/hosts")
        #expect(resolved["localhost"] == nil && resolved["nothing.invalid"] == nil, "names become addresses or are dropped")
    }

    /// Progress goes to stderr only when it is a terminal (a pseudo-terminal from
    /// `script`) and the run lasts over a second (a log fed slowly through a FIFO): bytes
    /// and rate; nothing when stderr is a pipe.
    @Test func progressOnlyOnATerminal() throws {
        let filter = TestSupport.corpus("filters/qpoppermail.conf")
        let piped = try TestSupport.failscan(["scan", "--filter", filter, logs[0]])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("MiB"))
        let dir = try TestSupport.temporaryDirectory().path
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        let command =
            "(head -c 100000 '\(logs[0])'; sleep 2.5; tail -c +100001 '\(logs[0])') > '\(dir)/fifo' & \(TestSupport.failscanBinary) scan --filter \(filter) '\(dir)/fifo' > /dev/null"
        let tty = try TestSupport.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0, "\(tty.stderr)")
        #expect(tty.stdout.contains("failscan: 0 MiB, ") && tty.stdout.contains(" MB/s"), "\(tty.stdout.debugDescription)")
    }

    /// `regex` takes its LOG as fail2ban-regex does: a file, `-` for standard input, or a
    /// line of log when no such file exists; `--rotated` adds the rotated siblings.
    @Test func regexReadsALineStandardInputAndRotatedFiles() throws {
        let line = "Nov 26 10:00:00 host sshd[1]: Failed password for root from 192.0.2.7 port 22 ssh2"
        let single = try TestSupport.failscan(["regex", "--json", line, "sshd"])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stdout.contains("\"ip\":\"192.0.2.7\"") && single.stdout.contains("\"file\":\"-\""))
        let filter = TestSupport.corpus("filters/qpoppermail.conf")
        func matched(_ out: String) -> Int? { TestSupport.reportLines(out)?.matched }
        let piped = try TestSupport.run("/bin/sh", ["-c", "\(TestSupport.failscanBinary) regex - '\(filter)' < '\(logs[0])'"])
        let direct = try TestSupport.failscan(["regex", logs[0], filter])
        #expect(matched(piped.stdout) != nil && matched(piped.stdout) == matched(direct.stdout))
        let each = try logs.map { try matched(TestSupport.failscan(["regex", $0, filter]).stdout) ?? -1 }
        let all = try TestSupport.failscan(["regex", "--rotated", logs[0], filter])
        #expect(matched(all.stdout) == each.reduce(0, +), "mail.log --rotated reads mail.log.1 and mail.log.2.gz too")
    }

    /// `regex --costs`: per regex the lines it was tried on and matched, its PCRE2 time and
    /// the searches a match limit ended; a regex that backtracks without end is named.
    @Test func regexCostsPerRegexAndMatchLimits() throws {
        let out = try TestSupport.failscan(["regex", "--costs", logs[0], TestSupport.corpus("filters/qpoppermail.conf")])
        #expect(out.status == 0, "\(out.stderr)")
        let matched = TestSupport.reportLines(out.stdout)?.matched
        let row = try #require(out.stdout.split(separator: "\n").first { $0.hasPrefix("|  failregex 1 ") })
        let numbers = row.split(separator: " ").dropFirst(3).compactMap { Double($0) }
        #expect(numbers.count == 6, "\(row)")
        #expect(Int(numbers[1]) == matched, "failregex 1 matched every matched line")
        #expect(numbers[0] >= numbers[1] && numbers[2] > 0 && numbers[3] > 0 && numbers[3] <= numbers[2])
        let dir = try TestSupport.temporaryDirectory()
        let log = dir.appendingPathComponent("redos.log").path
        try "2026-11-20 10:00:00 \(String(repeating: "a", count: 40))b end 192.0.2.1\n".write(
            toFile: log, atomically: true, encoding: .utf8)
        let redos = try TestSupport.failscan(["regex", "--costs", log, "^ (a|aa)+c end <HOST>"])
        let redosRow = try #require(redos.stdout.split(separator: "\n").first { $0.hasPrefix("|  failregex 1 ") })
        #expect(redosRow.split(separator: " ").last == "1", "the match limit ended the search: \(redosRow)")
        #expect(redos.stderr.contains("match limits"))
        let json = try TestSupport.failscan(["regex", "--json", "--costs", log, "^ (a|aa)+c end <HOST>"])
        let last = try #require(json.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let costs = try #require(object["costs"] as? [[String: Any]])
        #expect(costs.count == 1 && costs[0]["limitHits"] as? Int == 1 && costs[0]["role"] as? String == "failregex")
        #expect((costs[0]["limitExample"] as? String)?.contains("aaaab end 192.0.2.1") == true)
        #expect(redos.stdout.contains("ReDoS warning: failregex 1 hit PCRE2's match limit on 1 line(s), e.g."))
    }

    /// The per-regex times of `--costs` account for the time spent matching lines (within
    /// 10%), on one thread and on two, with and without the prefilter; PCRE2's share is
    /// part of each regex's time.
    @Test(arguments: [["--threads", "1"], ["--threads", "2"], ["--threads", "1", "--no-prefilter"]])
    func regexCostsAddUpToTheMatchingTime(_ options: [String]) throws {
        let dir = try TestSupport.temporaryDirectory().path
        let made = try TestSupport.run("/usr/bin/python3", [TestSupport.corpus("generate.py"), "matrix", "--size", "1M", dir])
        #expect(made.status == 0, "\(made.stderr)")
        for (log, filter) in [("auth-attack60.log", "sshd"), ("postfix-busy.log", "postfix"), ("exim-mainlog.log", "exim")] {
            let run = try TestSupport.failscan(["regex", "--json", "--costs"] + options + [dir + "/" + log, filter])
            #expect(run.status == 0, "\(run.stderr)")
            let last = try #require(run.stdout.split(separator: "\n").last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            let costs = try #require(object["costs"] as? [[String: Any]])
            let total = try #require(object["matcherNanoseconds"] as? Int)
            let charged = costs.reduce(0) { $0 + ($1["nanoseconds"] as? Int ?? 0) }
            let search = costs.reduce(0) { $0 + ($1["searchNanoseconds"] as? Int ?? 0) }
            #expect(
                total > 0 && abs(Double(charged - total)) <= 0.1 * Double(total),
                "\(filter) \(options): \(charged) ns charged, \(total) ns matching")
            #expect(search > 0 && search <= charged, "\(filter) \(options)")
        }
    }

    /// `regex --compare FILTER2`: both filters in one pass; the lines each matched and the
    /// other did not equal those of two separate runs, and each side's matching time.
    @Test func regexComparesTwoFiltersInOnePass() throws {
        let log = "/usr/lib/python3/dist-packages/fail2ban/tests/files/logs/sshd"
        func lines(_ filter: String) throws -> Set<Int> {
            let run = try TestSupport.failscan(["regex", "--json", log, filter])
            return Set(
                TestSupport.jsonRows(run.stdout).compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["line"] as? Int
                })
        }
        let a = try lines("sshd"), b = try lines("sshd[mode=aggressive]")
        #expect(a.count > 10 && b.count > a.count)
        let run = try TestSupport.failscan(["regex", "--json", "--compare", "sshd[mode=aggressive]", log, "sshd"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let compare = try #require(object["compare"] as? [String: Any])
        let sideA = try #require(compare["a"] as? [String: Any]), sideB = try #require(compare["b"] as? [String: Any])
        #expect(sideA["matched"] as? Int == a.count && sideB["matched"] as? Int == b.count)
        #expect(compare["both"] as? Int == a.intersection(b).count)
        let onlyB = (sideB["onlyLines"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
        #expect(Set(onlyB) == b.subtracting(a) && sideB["only"] as? Int == b.subtracting(a).count)
        #expect((sideB["onlyLines"] as? [[String: Any]])?.first?["text"] as? String != nil)
        #expect((sideA["matcherNanoseconds"] as? Int ?? 0) > 0 && (sideB["matcherNanoseconds"] as? Int ?? 0) > 0)
        let text = try TestSupport.failscan(["regex", "--compare", "sshd[mode=aggressive]", log, "sshd"])
        #expect(text.stdout.contains("A matched \(a.count), B matched \(b.count)") && text.stdout.contains("|- Only B"), "\(text.stdout)")
    }

    /// `regex --explain LINE`: the date template and the cut date, the prefregex and its
    /// content, each failregex's captures, or how far into the content it got.
    @Test func regexExplainsALine() throws {
        let matched = try TestSupport.failscan([
            "regex", "--explain", "Nov 26 10:00:00 host sshd[4242]: Failed password for invalid user admin from 192.0.2.7 port 22 ssh2",
            "-", "sshd",
        ])
        #expect(matched.status == 0, "\(matched.stderr)")
        #expect(matched.stdout.contains("Date:      \"Nov 26 10:00:00\" by template {^LN-BEG}"))
        #expect(matched.stdout.contains("Prefregex: matched mlfid=\" host sshd[4242]: \""))
        #expect(matched.stdout.contains("|  4) MATCHED cond_inv=\"invalid user \" ip4=\"192.0.2.7\" user=\"admin\""))
        let missed = try TestSupport.failscan([
            "regex", "--explain", "Nov 26 10:00:00 host sshd[4242]: Failed publickey for invalid user admin frm 192.0.2.7", "-", "sshd",
        ])
        #expect(!missed.stdout.contains("MATCHED"))
        #expect(missed.stdout.contains("|  3) no match: got through"), "\(missed.stdout)")
        #expect(missed.stdout.contains("failregexes got through no byte: 1, 2,"), "\(missed.stdout)")
        let every = try TestSupport.failscan([
            "regex", "--explain", "Nov 26 10:00:00 host sshd[4242]: Failed publickey for invalid user admin frm 192.0.2.7", "--explain-all",
            "sshd",
        ])
        #expect(every.stdout.contains("|  1) no match: got through 0 of "), "\(every.stdout)")
        let json = try TestSupport.failscan([
            "regex", "--json", "--explain",
            "Nov 26 10:00:00 host sshd[4242]: Failed password for invalid user admin from 192.0.2.7 port 22 ssh2",
            "-", "sshd",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let failregexes = try #require(object["failregexes"] as? [[String: Any]])
        #expect(failregexes.filter { $0["matched"] as? Bool == true }.map { $0["number"] as? Int } == [4])
        #expect((object["date"] as? [String: Any])?["time"] as? Int != nil)
    }

    @Test func outputFileIsWrittenAndAcceptedByIptablesRestore() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("dovecot.rules").path
        let out = try TestSupport.failscan(
            ["scan", "--format", "iptables", "--output", file, "--filter", TestSupport.corpus("filters/dovecot.conf")] + logs)
        #expect(out.status == 0)
        #expect(out.stdout.isEmpty)
        let rules = try String(contentsOfFile: file, encoding: .utf8)
        #expect(rules.contains(":failscan-dovecot - [0:0]"))
        #expect(rules.contains("-A failscan-dovecot -s "))
        #expect(!rules.contains("2001:db8"))
        let check = try TestSupport.run("/usr/bin/unshare", ["-rn", "/usr/sbin/iptables-restore", "--test", file])
        #expect(check.status == 0, "\(check.stderr)")
        let file6 = dir.appendingPathComponent("dovecot6.rules").path
        _ = try TestSupport.failscan(
            ["scan", "--maxretry", "1", "--format", "ip6tables", "--output", file6, "--filter", TestSupport.corpus("filters/dovecot.conf")]
                + logs)
        let rules6 = try String(contentsOfFile: file6, encoding: .utf8)
        #expect(rules6.contains("-s 2001:db8:dead::66 -j REJECT --reject-with icmp6-port-unreachable"))
        let check6 = try TestSupport.run("/usr/bin/unshare", ["-rn", "/usr/sbin/ip6tables-restore", "--test", file6])
        #expect(check6.status == 0, "\(check6.stderr)")
    }

    @Test func ignoreipKeepsAddressesOut() throws {
        let all = try TestSupport.failscan(["scan", "--filter", TestSupport.corpus("filters/qpoppermail.conf")] + logs)
        let first = try #require(all.stdout.split(separator: "\n").first.map(String.init))
        let filtered = try TestSupport.failscan(
            ["scan", "--ignoreip", first, "--filter", TestSupport.corpus("filters/qpoppermail.conf")] + logs)
        #expect(!filtered.stdout.split(separator: "\n").map(String.init).contains(first))
        #expect(filtered.stdout.split(separator: "\n").count == all.stdout.split(separator: "\n").count - 1)
    }

    @Test func exitCodes() throws {
        let badFilter = try TestSupport.failscan(["scan", "--filter", "/nonexistent.conf", logs[0]])
        #expect(badFilter.status == 2)
        #expect(badFilter.stderr.contains("/nonexistent.conf"))
        let noInput = try TestSupport.failscan(["scan", "--filter", TestSupport.corpus("filters/qpoppermail.conf"), "/nonexistent.log"])
        #expect(noInput.status == 3)
        #expect(noInput.stderr.contains("/nonexistent.log: cannot open: No such file or directory"))
        let partial = try TestSupport.failscan([
            "scan", "--filter", TestSupport.corpus("filters/qpoppermail.conf"), "/nonexistent.log", logs[0],
        ])
        #expect(partial.status == 1)
        #expect(!partial.stdout.isEmpty)
        let usage = try TestSupport.failscan(["scan", "--maxretry", "0", "--filter", "x", logs[0]])
        #expect(usage.status == 64)
        let badOutput = try TestSupport.failscan([
            "scan", "--output", "/nonexistent-dir/out", "--filter", TestSupport.corpus("filters/qpoppermail.conf"), logs[0],
        ])
        #expect(badOutput.status == 3)
        #expect(badOutput.stderr.contains("/nonexistent-dir/out"))
    }

    @Test func regexTakesAFailregexAndAnIgnoreregexLikeFail2banRegex() throws {
        let log = TestSupport.corpus("logs/auth.log")
        let all = try TestSupport.failscan(["regex", "--json", log, "Failed password for .* from <HOST>"])
        #expect(all.status == 0, "\(all.stderr)")
        let rows = TestSupport.jsonRows(all.stdout)
        #expect(rows.count > 20)
        let some = try TestSupport.failscan(["regex", "--json", log, "Failed password for .* from <HOST>", "invalid user root "])
        let kept = TestSupport.jsonRows(some.stdout)
        #expect(kept.count < rows.count)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let ignored = text.split(separator: "\n").filter { $0.contains("Failed password for invalid user root ") }.count
        #expect(kept.count == rows.count - ignored)
    }

    @Test func brokenFilterNamesFileAndRegex() throws {
        let dir = try TestSupport.temporaryDirectory()
        let filter = dir.appendingPathComponent("broken.conf").path
        try "[Definition]\nfailregex = ok <HOST>\n            bad( <HOST>\n".write(toFile: filter, atomically: true, encoding: .utf8)
        let out = try TestSupport.failscan(["scan", "--filter", filter, logs[0]])
        #expect(out.status == 2)
        #expect(out.stderr.contains("broken.conf"))
        #expect(out.stderr.contains("failregex 2"))
    }
}

/// Issue 27: fail2ban-regex's options as its users type them: supported where failscan
/// does the same job (`--TZ`, `-r`, `-v`, `-V`), refused with what does the job here otherwise (`-l`
/// with a log level, `-D`, `-e`, `--verbose-date`); a mistyped log path noted; the lines
/// printed as fail2ban-regex prints them (right-stripped).
@Suite struct Fail2banRegexHabitsTests {
    let log = TestSupport.corpus("logs/auth.log")

    @Test func optionsSupportedOrRefusedWithTheEquivalent() throws {
        let level = try TestSupport.failscan(["regex", "-l", "info", log, "sshd"])
        #expect(level.status == 64 && level.stderr.contains("not fail2ban-regex's log level"), "\(level.stderr)")
        let journal = try TestSupport.failscan(["regex", "-l", "short", log, "sshd"])
        #expect(journal.status == 0, "\(journal.stderr)")
        for (options, hint) in [
            (["-D"], "--explain LINE"), (["--debuggex"], "--explain LINE"), (["-e", "latin1"], "iconv -f latin1 -t UTF-8"),
            (["--VD"], "--show-patterns"), (["--verbose-date"], "--show-patterns"),
        ] {
            let run = try TestSupport.failscan(["regex"] + options + [log, "sshd"])
            #expect(run.status == 64 && run.stderr.contains(hint), "\(options): \(run.stderr)")
        }
        #expect(try TestSupport.failscan(["regex", "-e", "UTF-8", log, "sshd"]).status == 0)
        let tz = try TestSupport.failscan(["regex", "--TZ", "+0100", "-o", "<ip> <time>", log, "sshd"])
        let timezone = try TestSupport.failscan(["regex", "--timezone", "+0100", "-o", "<ip> <time>", log, "sshd"])
        let local = try TestSupport.failscan(["regex", "--timezone", "UTC", "-o", "<ip> <time>", log, "sshd"])
        #expect(tz.status == 0 && tz.stdout == timezone.stdout && tz.stdout != local.stdout, "\(tz.stderr)")
        let raw = try TestSupport.failscan(["regex", "-r", log, "sshd"]).stdout
        let usedns = try TestSupport.failscan(["regex", "--usedns", "raw", log, "sshd"]).stdout
        func body(_ text: String) -> String {
            text.replacingOccurrences(of: #"\[processed in [0-9.]+ sec\]"#, with: "", options: .regularExpression)
        }
        #expect(!raw.isEmpty && body(raw) == body(usedns))
        let both = try TestSupport.failscan(["regex", "-r", "--usedns", "no", log, "sshd"])
        #expect(both.status == 64)
        // -V: the version number alone (it gave "Missing expected argument '<log>'").
        let short = try TestSupport.failscan(["regex", "-V"])
        let long = try TestSupport.failscan(["--version"]).stdout
        #expect(short.status == 0 && !short.stdout.isEmpty && long.hasPrefix("failscan " + short.stdout), "\(short.stdout) \(long)")
        #expect(try TestSupport.failscan(["regex"]).stderr.contains("Missing expected argument '<log>'"))
    }

    @Test func aMistypedPathIsNotedAndALineIsNot() throws {
        let typo = try TestSupport.failscan(["regex", "nosuchfile.log", "sshd"])
        #expect(typo.status == 0 && typo.stderr.contains("nosuchfile.log: no such file; read as a log line"), "\(typo.stderr)")
        let path = try TestSupport.failscan(["regex", "/var/log/nosuch/auth.log.2.gz", "sshd"])
        #expect(path.stderr.contains("no such file"), "\(path.stderr)")
        let line = try TestSupport.failscan([
            "regex", "Oct 26 07:34:44 mail sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh2", "sshd",
        ])
        #expect(line.status == 0 && !line.stderr.contains("no such file") && line.stdout.contains("1 matched"), "\(line.stderr)")
    }

    /// Matched and missed lines with trailing blanks, tabs and a no-break space print as
    /// fail2ban-regex prints them.
    @Test func printedLinesAreRightStrippedAsFail2banRegexPrintsThem() throws {
        let fail2banRegex = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("trailing.log")
        try
            "Oct 26 07:34:44 mail sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh2   \t\nOct 26 07:34:45 mail sshd[1]: hello there \u{A0} \nOct 26 07:34:46 mail sshd[1]: Failed password for bob from 192.0.2.10 port 22 ssh2\u{0B}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let options = ["--print-all-matched", "--print-all-missed"]
        let ours = try TestSupport.failscan(["regex"] + options + [file.path, "sshd"])
        let theirs = try TestSupport.run(fail2banRegex, options + [file.path, "sshd"])
        func lines(_ text: String) -> String { String(text[(text.range(of: "|- Matched line(s):")?.lowerBound ?? text.endIndex)...]) }
        #expect(!lines(theirs.stdout).isEmpty && lines(ours.stdout) == lines(theirs.stdout), "\(ours.stdout)\n---\n\(theirs.stdout)")
    }

    /// Options users of other tools type get what does the job here, not the parser's
    /// nearest spelling (--json on scan suggested --now, --output on regex --out); fail2ban's
    /// list syntax for --ignoreip; scan takes a failregex as regex does.
    @Test func habitsOfOtherToolsAndOptionShapes() throws {
        for (arguments, hint) in [
            (["scan", "--filter", "sshd", "--json", log], "--json is --format json here"),
            (["jails", "--csv"], "--csv is --format csv here"),
            (["regex", "--output", "x", log, "sshd"], "regex prints to standard output"),
            (["regex", "--format", "json", log, "sshd"], "failscan scan --filter FILTER --format json LOG"),
            (["regex", "-vv", log, "sshd"], "failscan has -v only"),
            (["regex", "-v", "-o", "ip", log, "sshd"], "does not go with --out"),
        ] {
            let run = try TestSupport.failscan(arguments)
            #expect(run.status == 64 && run.stderr.contains(hint) && !run.stderr.contains("Did you mean"), "\(arguments): \(run.stderr)")
        }
        let everyone = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "list", log]).stdout.split(separator: "\n")
        #expect(everyone.count >= 3)
        let (a, b) = (String(everyone[0]), String(everyone[1]))
        for form in [["--ignoreip", "\(a),\(b)"], ["--ignoreip", "\(a) \(b)"], ["--ignoreip", a, "--ignoreip", b]] {
            let run = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "list"] + form + [log])
            #expect(
                run.status == 0 && run.stdout.split(separator: "\n").map(String.init) == everyone.dropFirst(2).map(String.init), "\(form)")
        }
        let regex = try TestSupport.failscan(["scan", "--filter", "Failed password for .* from <HOST>", "--format", "list", log])
        let sshd = try TestSupport.failscan(["regex", "-o", "ip", log, "Failed password for .* from <HOST>"])
        #expect(regex.status == 0 && !regex.stdout.isEmpty, "\(regex.stderr)")
        #expect(Set(regex.stdout.split(separator: "\n")).isSubset(of: Set(sshd.stdout.split(separator: "\n"))))
        // --time-format iso: the same rows, each time as ISO 8601 in UTC.
        let seconds = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "json", log]).stdout.split(separator: "\n")
        let iso = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "json", "--time-format", "iso", log]).stdout
            .split(separator: "\n")
        let formatter = ISO8601DateFormatter()
        #expect(seconds.count == iso.count && seconds.count > 3)
        for (a, b) in zip(seconds, iso) {
            let x = try #require(try JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any])
            let y = try #require(try JSONSerialization.jsonObject(with: Data(b.utf8)) as? [String: Any])
            func unix(_ text: Any?) -> Int { Int(formatter.date(from: text as! String)!.timeIntervalSince1970) }
            #expect(unix(y["first"]) == x["first"] as! Int && unix(y["last"]) == x["last"] as! Int)
            #expect((y["bans"] as! [String]).map { unix($0) } == x["bans"] as! [Int])
        }
        let csv = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "csv", "--time-format", "iso", log])
        #expect(
            csv.stdout.split(separator: "\n").dropFirst().allSatisfy {
                $0.contains("Z,") && $0.range(of: #",1[0-9]{9}\b"#, options: .regularExpression) == nil
            },
            "\(csv.stdout.prefix(300))")
        let nft = try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "nft", "--time-format", "iso", log])
        #expect(nft.status == 64 && nft.stderr.contains("--time-format is for --format json and csv"))
        let typo = try TestSupport.failscan(["scan", "--filter", "sshdd", log])
        #expect(typo.status == 2 && typo.stderr.contains("no such filter"), "a mistyped name is no failregex: \(typo.stderr)")
    }

    /// On a terminal (a pty from script(1)) a run says per jail what it found, even when it
    /// bans nothing; progress shows only for runs over a second, forced with --progress (to a
    /// pipe), never with --no-progress.
    @Test func whatATerminalShows() throws {
        let quiet = try TestSupport.run(
            "/usr/bin/script", ["-qec", "'\(TestSupport.failscanBinary)' scan --filter sshd --maxretry 1000 '\(log)'", "/dev/null"])
        #expect(quiet.stdout.contains("failscan: [sshd] 95 failures, 11 addresses, 0 banned"), "\(quiet.stdout)")
        #expect(!quiet.stdout.contains("MiB"), "no progress for a short run: \(quiet.stdout)")
        // An HTML page is not written to a terminal (to a pipe it is).
        for command in ["scan --filter sshd --format html '\(log)'", "tune --jail sshd --format html '\(log)'"] {
            let page = try TestSupport.run("/usr/bin/script", ["-qec", "'\(TestSupport.failscanBinary)' \(command)", "/dev/null"])
            #expect(page.stdout.contains("--format html writes a page for a browser") && !page.stdout.contains("<html"), "\(page.stdout)")
        }
        #expect(try TestSupport.failscan(["scan", "--filter", "sshd", "--format", "html", log]).stdout.hasPrefix("<!DOCTYPE html>"))
        let piped = try TestSupport.failscan(["scan", "--filter", "sshd", "--maxretry", "1000", log])
        #expect(piped.status == 0 && piped.stderr.isEmpty, "nothing on a pipe: \(piped.stderr)")
        // A log that takes over a second to arrive (a FIFO fed in two halves).
        let dir = try TestSupport.temporaryDirectory().path
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        let slow = { (option: String) throws -> TestSupport.Output in
            try TestSupport.run(
                "/bin/sh",
                [
                    "-c",
                    "(head -c 200000 \"$0\"; sleep 2.5; tail -c +200001 \"$0\") > \"$1\" 2> /dev/null & exec \"$2\" scan --filter sshd \(option) \"$1\"",
                    log, dir + "/fifo", TestSupport.failscanBinary,
                ])
        }
        let forced = try slow("--progress")
        #expect(forced.status == 0 && forced.stderr.contains(" MiB, ") && forced.stderr.contains("MB/s"), "\(forced.stderr)")
        let off = try slow("--no-progress")
        #expect(off.status == 0 && !off.stderr.contains("MiB"), "\(off.stderr)")
    }

    /// The bash completion, in a real interactive bash on a pty: log files, filter names of
    /// the installed configuration and jail names complete (they completed nothing); zsh and
    /// fish are told the same (files, directories, the two lists).
    @Test func completionsCompleteFilesFiltersAndJails() throws {
        let dir = try TestSupport.temporaryDirectory()
        for name in ["dovecot.log", "mail.log.1"] {
            #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()))
        }
        let script = dir.appendingPathComponent("failscan.bash").path
        let bash = try TestSupport.failscan(["--generate-completion-script", "bash"])
        try bash.stdout.write(toFile: script, atomically: true, encoding: .utf8)
        func complete(_ typed: String) throws -> String {
            let input = "source '\(script)'\nfailscan() { printf 'ARGS<%s>\\n' \"$*\"; }\ncd '\(dir.path)'\n\(typed)\t\nexit\n"
            let run = try TestSupport.run(
                "/bin/sh", ["-c", "printf '%s' \"$0\" | TERM=dumb script -qc 'bash --norc --noprofile -i' /dev/null", input])
            return run.stdout.replacingOccurrences(of: "\r", with: "").split(separator: "\n").last { $0.hasPrefix("ARGS<") }.map(
                String.init) ?? run.stdout
        }
        #expect(try complete("failscan scan --filter sshd dov") == "ARGS<scan --filter sshd dovecot.log>")
        #expect(try complete("failscan regex mail.lo") == "ARGS<regex mail.log.1>")
        #expect(try complete("failscan scan --filter dovec") == "ARGS<scan --filter dovecot>")
        #expect(try complete("failscan jails --jail ssh") == "ARGS<jails --jail sshd>")
        for shell in ["zsh", "fish"] {
            let text = try TestSupport.failscan(["--generate-completion-script", shell]).stdout
            #expect(text.contains("filter.d") && text.contains("jail.conf"), "\(shell)")
        }
    }

    /// --explain: the filter alone is enough (no LOG); the failregexes by how far they got,
    /// those that got through no byte named in one line unless --explain-all.
    @Test func explainSortsAndFolds() throws {
        let line = "Oct 26 07:34:44 mail sshd[1]: Failed password for root frm 192.0.2.9 port 22 ssh2"
        let alone = try TestSupport.failscan(["regex", "--explain", line, "sshd"])
        let dash = try TestSupport.failscan(["regex", "--explain", line, "-", "sshd"])
        #expect(alone.status == 0 && alone.stdout == dash.stdout, "\(alone.stderr)")
        let numbers = alone.stdout.split(separator: "\n").filter { $0.range(of: #"^\|  \d+\) "#, options: .regularExpression) != nil }
            .map { $0.dropFirst(3).prefix { $0 != ")" } }
        #expect(numbers.first == "4" && numbers.count == 2, "the near miss first: \(alone.stdout)")
        #expect(alone.stdout.contains("failregexes got through no byte: 1, 2, 5,"), "\(alone.stdout)")
        let all = try TestSupport.failscan(["regex", "--explain", line, "--explain-all", "sshd"])
        #expect(all.stdout.components(separatedBy: "\n|  ").count - 1 == 44, "22 failregexes, each with its pattern: \(all.stdout)")
        #expect(try TestSupport.failscan(["regex", "--explain-all", log, "sshd"]).status == 64)
    }

    /// --explain: where a greedy group took the rest of the line, the literal it looked for
    /// and the line lacks is named (sshd's user group ate "root frm ..." looking for " from ").
    @Test func explainNamesWhatAGreedyGroupNeverFound() throws {
        let line = "Oct 26 07:34:44 mail sshd[1]: Failed password for root frm 192.0.2.9 port 22 ssh2"
        let text = try TestSupport.failscan(["regex", "--explain", line, "sshd"]).stdout
        #expect(
            text.contains(#"|  4) no match: a group took the rest of the content looking for " from ", which the content does not have"#),
            "\(text)")
        let own = try TestSupport.failscan(["regex", "--explain", line, #"Failed password for .* from <HOST> port \d+ ssh2$"#]).stdout
        #expect(own.contains(#"looking for " from ""#), "\(own)")
        let json = try TestSupport.failscan(["regex", "--json", "--explain", line, "sshd"]).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let fourth = try #require((object["failregexes"] as? [[String: Any]])?.first { $0["number"] as? Int == 4 })
        #expect(fourth["missing"] as? [String] == [" from "])
        // A line that has the literal: no such claim.
        let near = "Oct 26 07:34:44 mail sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh3"
        let fine = try TestSupport.failscan(["regex", "--explain", near, #"Failed password for .* from <HOST> port \d+ ssh2$"#]).stdout
        #expect(fine.contains(#"looking for " ssh2""#) && !fine.contains(#"looking for " from ""#), "\(fine)")
    }

    /// --compare shows the first 20 lines only one filter matched; --print-all-matched all.
    @Test func compareShowsEveryLineWhenAsked() throws {
        func shown(_ extra: [String]) throws -> (Int, String) {
            let run = try TestSupport.failscan(["regex", "--compare", "nothing at all <HOST>"] + extra + [log, "sshd"])
            return (run.stdout.split(separator: "\n").filter { $0.hasPrefix("|  ") && !$0.hasPrefix("|   ") }.count, run.stdout)
        }
        let (first, text) = try shown([])
        #expect(first == 20 && text.contains("Only A (first 20 of 95; --print-all-matched lists them all):"), "\(text)")
        let (all, _) = try shown(["--print-all-matched"])
        #expect(all == 95)
    }

    /// tune: the jail's own setting marked, a legend, plural forms; the HTML report counts
    /// the failures the table and JSON count (an ignored address's failures in neither: the
    /// report counted them, as fail2ban's Total failed does not).
    @Test func tuneMarksTheJailsSettingAndCountsAlike() throws {
        let table = try TestSupport.failscan(["tune", "--jail", "sshd", "--maxretry", "3,5", "--self-address", "45.190.49.141", log])
        #expect(table.status == 0 && table.stdout.contains("\n*5 ") && table.stdout.contains("* the jail's own setting"), "\(table.stdout)")
        #expect(table.stdout.contains("stopped   failures that came while their address's ban ran"))
        #expect(!table.stdout.contains("failure(s)") && table.stdout.contains(" failures, logged in"))
        let json = try TestSupport.failscan(["tune", "--jail", "sshd", "--self-address", "45.190.49.141", "--format", "json", log])
        let scan = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.split(separator: "\n").last!.utf8)) as? [String: [String: Any]])
        let failures = try #require(scan["scan"]?["failures"] as? Int)
        let page = try TestSupport.temporaryDirectory().appendingPathComponent("tune.html").path
        let html = try TestSupport.failscan([
            "tune", "--jail", "sshd", "--self-address", "45.190.49.141", "--format", "html", "--output", page, log,
        ])
        #expect(html.status == 0)
        let text = try String(contentsOfFile: page, encoding: .utf8)
        #expect(
            text.contains("<th>Failures</th><td data-failures=\"\(failures)\">") && table.stdout.hasPrefix("[sshd] \(failures) failures"),
            "\(failures)")
        #expect(failures < 95, "the ignored address's failures are not counted")
    }

    /// reduce takes --threads, and the map's --now and --timezone given again (a different
    /// value is refused: the map decided the years with its own).
    @Test func reduceTakesThreadsAndTheMapsOptions() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let config = try JailsGivenFilesTests.config("[sshd]\nenabled = true\nlogpath = /var/log/nonexistent-failscan/auth.log\n")
        let map = try TestSupport.failscan(
            ["map", "--config", config, "--now", "1795600000", "--timezone", "UTC", "--partitions", "3", "--shard", "a", "--out", dir, log])
        #expect(map.status == 0, "\(map.stderr)")
        let ledgers = map.stdout.split(separator: "\n").map(String.init)
        let plain = try TestSupport.failscan(["reduce", "--config", config, "--format", "json"] + ledgers)
        let again = try TestSupport.failscan(
            ["reduce", "--config", config, "--format", "json", "--threads", "1", "--now", "1795600000", "--timezone", "UTC"] + ledgers)
        #expect(plain.status == 0 && !plain.stdout.isEmpty && again.stdout == plain.stdout, "\(again.stderr)")
        let other = try TestSupport.failscan(["reduce", "--config", config, "--now", "1795600001"] + ledgers)
        #expect(other.status == 2 && other.stderr.contains("the ledgers were mapped with --now 1795600000"), "\(other.stderr)")
        let zone = try TestSupport.failscan(["reduce", "--config", config, "--timezone", "+0100"] + ledgers)
        #expect(zone.status == 2 && zone.stderr.contains("--timezone UTC"), "\(zone.stderr)")
    }
}
