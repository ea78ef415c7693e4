import Foundation
import TestSupport
import Testing

/// `failscan regex`'s report against fail2ban-regex's, section by section: prefregex,
/// failregex and ignoreregex hits (every failregex that matches a line counts), date
/// template hits, `Lines: N lines, N ignored, N matched, N missed`, and the matched,
/// ignored and missed lines themselves (`--print-all-*`); and `-o` output. On fail2ban's
/// sample log of every stock filter that has one, on filter modes, on a generated corpus
/// and on the seed filters; `-v`'s details (each failure under its failregex, the
/// prefregex's groups as Python prints them, every template in the detector's order). What
/// is left out of the comparison: the processing time, and the time of the run printed for
/// a failure without a date (each program prints its own).
@Suite struct RegexReportOracleTests {
    static let logs = "/usr/lib/python3/dist-packages/fail2ban/tests/files/logs"
    static let filters = "/etc/fail2ban/filter.d"

    struct Case: CustomTestStringConvertible, Sendable {
        let log: String
        let filter: String
        var testDescription: String { "\((log as NSString).lastPathComponent) with \((filter as NSString).lastPathComponent)" }
    }

    /// Every stock filter with a sample log of its name.
    static let stockCases: [Case] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []
        return names.sorted().filter { FileManager.default.fileExists(atPath: "\(filters)/\($0).conf") }.map {
            Case(log: "\(logs)/\($0)", filter: $0)
        }
    }()

    static let modeCases: [Case] = [
        ("sshd", "sshd[mode=aggressive]"), ("sshd", "sshd[mode=ddos]"), ("sshd", "sshd[mode=extra]"),
        ("postfix", "postfix[mode=aggressive]"), ("postfix", "postfix[mode=more]"), ("postfix", "postfix[mode=rbl]"),
        ("postfix", "postfix[mode=auth]"), ("dovecot", "dovecot[mode=aggressive]"),
    ].map { Case(log: "\(logs)/\($0.0)", filter: $0.1) }

    /// The seed filters on the shipped Corpus (the seed dovecot filter's `(?P<HOST>...)`
    /// does not compile in fail2ban 1.0: Fail2banRegexOracleTests compares its failures
    /// through a rewritten copy).
    static let seedCases: [Case] = [
        Case(log: TestSupport.corpus("logs/mail.log"), filter: TestSupport.corpus("filters/qpoppermail.conf")),
        Case(log: TestSupport.corpus("logs/auth.log"), filter: TestSupport.corpus("filters/qpopperauth.conf")),
        Case(log: TestSupport.corpus("logs/mail.log"), filter: "dovecot"),
        Case(log: TestSupport.corpus("logs/auth.log"), filter: "sshd"),
    ]

    /// A generated corpus (Corpus/generate.py matrix, 2 MB per log, seeded), made once.
    static let generated: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-report-\(getpid())").path
        let made = try? TestSupport.run(
            "/usr/bin/python3", [TestSupport.corpus("generate.py"), "matrix", "--size", "2M", directory])
        precondition(made?.status == 0, "generate.py matrix failed: \(made?.stderr ?? "")")
        return directory
    }()

    static let generatedCases: [(String, String)] = [
        ("auth-attack60.log", "sshd"), ("auth-quiet.log", "sshd[mode=aggressive]"), ("apache-error.log", "apache-auth"),
        ("nginx-error.log", "nginx-http-auth"), ("postfix-busy.log", "postfix"), ("exim-mainlog.log", "exim"),
        ("courier-mail.log", "courier-auth"), ("fail2ban.log", "recidive"), ("auth-dense.log", "sshd"),
    ]

    /// The report from "Results" on, without the processing time; the times of `runTimes`
    /// (a failure without a date: the time of the run) as "<run>".
    static func sections(_ output: String, runTimes: Set<String> = []) -> [String] {
        guard let start = output.range(of: "\nResults\n") else { return ["no Results section in:", output] }
        let lines = output[start.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var result: [String] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("[processed in") {
                i += 1
            } else {
                var line = line.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
                if let time = runTimes.first(where: { line.hasSuffix("  " + $0) }) {
                    line = line.replacingOccurrences(of: time, with: "<run>")
                }
                result.append(line)
                i += 1
            }
        }
        return result
    }

    /// - Parameter ours: failscan's options beside `options` (`--now`: fail2ban-regex
    ///   takes the year of dates without one from today, failscan from the file's time).
    func compare(_ c: Case, options: [String], ours: [String] = []) throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let started = Int(Date().timeIntervalSince1970)
        let expected = try TestSupport.run(fail2ban, options + [c.log, c.filter])
        let got = try TestSupport.failscan(["regex"] + ours + options + [c.log, c.filter])
        #expect(got.status == 0, "\(got.stderr)")
        let runTimes = Self.runTimes(from: started - 1, to: Int(Date().timeIntervalSince1970) + 1)
        let want = Self.sections(expected.stdout, runTimes: runTimes), have = Self.sections(got.stdout, runTimes: runTimes)
        #expect(want.count > 8, "fail2ban-regex gave no report: \(expected.stdout) \(expected.stderr)")
        let differing = zip(want, have).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            want == have,
            "first difference at line \(differing?.offset ?? min(want.count, have.count)): fail2ban-regex \(differing?.element.0 ?? "(end)"), failscan \(differing?.element.1 ?? "(end)")"
        )
    }

    static let printAll = ["--print-all-matched", "--print-all-missed", "--print-all-ignored"]

    /// The times fail2ban-regex -v prints (`%a %b %d %H:%M:%S %Y`, local) of these seconds.
    static func runTimes(from start: Int, to end: Int) -> Set<String> {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "EEE MMM dd HH:mm:ss yyyy"
        return Set((start...end).map { format.string(from: Date(timeIntervalSince1970: TimeInterval($0))) })
    }

    /// `-v`: every failregex, ignoreregex and date template listed (hits or not, templates
    /// in the order fail2ban's detector leaves them), each failure under its failregex (id
    /// and local time, "(multiple regex matched)"), the prefregex's groups on the first 20
    /// lines as Python prints the dict; with `-L` and the printing options too.
    @Test(arguments: stockCases + modeCases + seedCases)
    func verboseReportAsFail2banRegex(_ c: Case) throws {
        try compare(c, options: ["-v"], ours: ["--now", String(Int(Date().timeIntervalSince1970))])
    }

    @Test func verboseWithOptionsAndOddBytesAsFail2banRegex() throws {
        let now = String(Int(Date().timeIntervalSince1970))
        for options in [["-v", "-L", "3"], ["-v", "--no-check-all"], ["-v"] + Self.printAll] {
            for filter in ["sshd", "apache-auth", "postfix"] {
                try compare(Case(log: "\(Self.logs)/\(filter)", filter: filter), options: options, ours: ["--now", now])
            }
        }
        // Python's repr of what real logs carry: quotes, backslashes, control bytes, CRLF,
        // invalid UTF-8, a no-break space, a zero-width space, an emoji.
        let log = try TestSupport.temporaryDirectory().appendingPathComponent("odd.log").path
        var bytes: [UInt8] = []
        for line in [
            "Oct 26 07:33:21 mail sshd[1]: Failed password for invalid user it's from 192.0.2.1 port 22 ssh2\n",
            "Oct 26 07:33:22 mail sshd[2]: Failed password for \u{FC}ser\u{01} from 192.0.2.2 port 22 ssh2\r\n",
            "Oct 26 07:33:24 mail\u{A0}sshd[4]: Invalid user \"q'\\\\x\" from 192.0.2.4 port 22\n",
            "Oct 26 07:33:25 mail sshd[5]: Failed password for \u{200B}zw\u{1F600} from 192.0.2.5 port 22 ssh2\n",
        ] {
            bytes += Array(line.utf8)
        }
        bytes +=
            Array("Oct 26 07:33:23 mail sshd[3]: Failed password for bad".utf8) + [0xFF, 0xFE]
            + Array("user from 192.0.2.3 port 22 ssh2\n".utf8)
        #expect(FileManager.default.createFile(atPath: log, contents: Data(bytes)))
        try compare(Case(log: log, filter: "sshd"), options: ["-v"], ours: ["--now", now])
        let got = try TestSupport.failscan(["regex", "--now", now, "-v", log, "sshd"])
        #expect(got.stdout.contains(#"'content': 'Invalid user "q\'\\\\x" from 192.0.2.4 port 22'}"#), "\(got.stdout)")
        #expect(got.stdout.contains(#"{'mlfid': ' mail\xa0sshd[4]: '"#))
        #expect(got.stdout.contains("'Failed password for \\u200bzw\u{1F600} from"))
    }

    @Test(arguments: stockCases + modeCases + seedCases)
    func sameReportAsFail2banRegex(_ c: Case) throws {
        try compare(c, options: Self.printAll)
    }

    @Test func everyStockFilterWithASampleIsCompared() {
        #expect(Self.stockCases.count >= 80, "only \(Self.stockCases.count) stock filters with sample logs found in \(Self.logs)")
    }

    @Test(arguments: generatedCases)
    func sameReportOnAGeneratedCorpus(_ log: String, _ filter: String) throws {
        try compare(Case(log: "\(Self.generated)/\(log)", filter: filter), options: [])
    }

    /// The default report: lines printed only when fewer than 20, else the "too many" note;
    /// `--print-no-missed`, `--print-no-ignored`, `--no-check-all` and `-L`.
    @Test(arguments: [
        [], ["--print-no-missed"], ["--print-no-ignored", "--print-all-missed"], ["--no-check-all"], ["-L", "3"],
    ])
    func printingOptionsAsFail2banRegex(_ options: [String]) throws {
        for filter in ["sshd", "apache-auth", "slapd", "postfix"] {
            try compare(Case(log: "\(Self.logs)/\(filter)", filter: filter), options: options)
        }
    }

    /// `-c`, `-d` and `--timezone` as fail2ban-regex takes them, and `-l/--log-type` as the
    /// filter's `logtype` argument.
    @Test func configDatePatternAndLogTypeAsFail2banRegex() throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let log = "\(Self.logs)/sshd"
        for (ours, theirs) in [
            (["-c", "/etc/fail2ban", log, "sshd"], ["-c", "/etc/fail2ban", log, "sshd"]),
            (["-d", "{^LN-BEG}%b %d %H:%M:%S", log, "sshd"], ["-d", "{^LN-BEG}%b %d %H:%M:%S", log, "sshd"]),
            (["--timezone", "UTC", log, "sshd"], ["--timezone", "UTC", log, "sshd"]),
            (["-l", "journal", log, "sshd"], [log, "sshd[logtype=journal]"]),
            (["--log-type", "short", "\(Self.logs)/dovecot", "dovecot"], ["\(Self.logs)/dovecot", "dovecot[logtype=short]"]),
        ] {
            let expected = Self.sections(try TestSupport.run(fail2ban, theirs).stdout)
            let got = try TestSupport.failscan(["regex"] + ours)
            #expect(got.status == 0, "\(got.stderr)")
            #expect(expected.count > 8 && Self.sections(got.stdout) == expected, "\(ours)")
        }
        let journal = try TestSupport.failscan(["regex", "-l", "journal", log, "sshd"])
        let plain = try TestSupport.failscan(["regex", log, "sshd"])
        #expect(
            TestSupport.reportLines(journal.stdout)?.matched != TestSupport.reportLines(plain.stdout)?.matched,
            "the log type changes what matches")
    }

    /// `-o`: one line per failure, as fail2ban-regex prints it (which checks only the first
    /// failregex and leaves out failures still waiting for an id); `msg` is every line of
    /// the failure (a multi-line connection's, merged; a `maxlines` buffer's).
    @Test(arguments: ["ip", "id", "user", "msg", "<ip> <F-USER> <fid>", "<ip>: <msg>"])
    func outTokensAsFail2banRegex(_ token: String) throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        for filter in [
            "sshd", "dovecot", "postfix", "apache-auth", "nginx-http-auth", "exim", "recidive", "slapd", "ejabberd-auth", "guacamole",
            "mongodb-auth",
        ] {
            let log = "\(Self.logs)/\(filter)"
            let expected = try TestSupport.run(fail2ban, ["-o", token, log, filter])
            let got = try TestSupport.failscan(["regex", "-o", token, log, filter])
            #expect(got.status == 0, "\(got.stderr)")
            #expect(!expected.stdout.isEmpty)
            #expect(got.stdout == expected.stdout, "-o \(token) on \(filter)")
        }
    }

    /// `-o "<time> <ip>"` with the same "now" (fail2ban-regex takes the year of dates
    /// without one from today; failscan by default from the file's modification time).
    @Test func outTimesAsFail2banRegex() throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let now = String(Int(Date().timeIntervalSince1970))
        for filter in ["sshd", "postfix", "apache-auth"] {
            let log = "\(Self.logs)/\(filter)"
            let expected = try TestSupport.run(fail2ban, ["-o", "<time> <ip>", log, filter])
            let got = try TestSupport.failscan(["regex", "--now", now, "-o", "<time> <ip>", log, filter])
            #expect(got.stdout == expected.stdout, "-o '<time> <ip>' on \(filter)")
        }
    }

    /// The report does not depend on threads: chunks analysed in parallel start without the
    /// date template of the line before, and a chunk whose first date fail2ban would give
    /// to another template (the one it used last) is done again in order. A zone-name line
    /// first makes fail2ban keep the zone-name template for 40,000 plain syslog lines.
    @Test func theReportDoesNotDependOnThreads() throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let log = try TestSupport.temporaryDirectory().appendingPathComponent("zone.log").path
        var generator = SeededGenerator(seed: 3)
        var lines = ["CET Nov 20 09:59:59 host sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2"]
        for i in 0..<40_000 {
            let s = 36_000 + i
            lines.append(
                String(format: "Nov 20 %02d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60)
                    + " host sshd[\(1000 + i % 50)]: Failed password for invalid user u\(i % 7) from 198.51.100.\(1 + generator.next() % 200) port 22 ssh2"
            )
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let expected = Self.sections(try TestSupport.run(fail2ban, [log, "sshd"]).stdout)
        #expect(expected.contains { $0.contains("[40001] {^LN-BEG}(?:Zone name )?") }, "\(expected)")
        for threads in ["1", "2", "3"] {
            let got = try TestSupport.failscan(["regex", "--threads", threads, log, "sshd"])
            #expect(Self.sections(got.stdout) == expected, "--threads \(threads)")
        }
        for threads in ["1", "2"] {
            let got = try TestSupport.failscan(["regex", "--threads", threads, Self.generated + "/auth-attack60.log", "sshd"])
            let reference = try TestSupport.failscan(["regex", "--threads", "1", Self.generated + "/auth-attack60.log", "sshd"])
            #expect(Self.sections(got.stdout) == Self.sections(reference.stdout))
        }
    }
}
