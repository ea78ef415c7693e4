import Foundation
import TestSupport
import Testing

/// Issue 24: `failscan regex 'systemd-journal[...]' FILTER` against fail2ban-regex with the
/// same arguments, on journals built by systemd-journal-remote from generated entries:
/// the same failures (time with its microseconds, address, user, the line fail2ban
/// matched) and the same `Lines:` summary, for the stock sshd, dovecot, postfix (mode auth,
/// as the postfix-sasl jail) filters and the seed qpopper filters, with the filters' journalmatch, with `-m`, and in a zone whose
/// offset differs between the entries' summer and the run's winter.
@Suite(.serialized) struct JournalRegexOracleTests {
    /// Two journal files: an hour of summer (fail2ban renders their dates with the winter
    /// offset of "now" and reads them back as local time) and a day in October.
    static func journals() throws -> (directory: URL, spec: String) {
        let dir = try TestSupport.temporaryDirectory()
        _ = try TestSupport.journal(entries: 2500, seed: 7, start: 1_783_000_000, named: "system@a.journal", in: dir)
        _ = try TestSupport.journal(entries: 2000, seed: 8, start: 1_793_000_000, named: "system.journal", in: dir)
        return (dir, "systemd-journal[journalfiles=\"\(dir.path)/system@a.journal \(dir.path)/system.journal\"]")
    }

    static let filters = [
        "sshd", "sshd[mode=aggressive]", "/etc/fail2ban/filter.d/dovecot.conf", "postfix[mode=auth]", "filters/qpopperauth.conf",
        "filters/qpoppermail.conf",
    ]

    func compare(_ arguments: [String], filter: String, journal: String, minimum: Int) throws {
        let fail2ban = try #require(TestSupport.fail2banRegex, Comment(rawValue: TestSupport.fail2banHint))
        let filterPath = filter.hasPrefix("filters/") ? TestSupport.corpus(filter) : filter
        let environment = ["TZ": "Europe/Berlin"]
        let format = "<time> <ip> <F-USER> <msg>"
        let theirs = try TestSupport.run(fail2ban, arguments + ["-o", format, journal, filterPath], environment: environment)
        try #require(theirs.status == 0, "\(theirs.stderr)")
        let ours = try TestSupport.failscan(["regex"] + arguments + ["-o", format, journal, filterPath], environment: environment)
        #expect(ours.status == 0, "\(ours.stderr)")
        let expected = theirs.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let actual = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(expected.count > minimum, "the generated journal should exercise \(filter)")
        #expect(actual.count == expected.count)
        let differing = zip(actual, expected).filter { $0 != $1 }
        #expect(differing.isEmpty, "\(differing.prefix(3))")
        // The report: lines read, matched and missed.
        let theirReport = try TestSupport.run(fail2ban, arguments + [journal, filterPath], environment: environment)
        let ourReport = try TestSupport.failscan(["regex"] + arguments + [journal, filterPath], environment: environment)
        let theirLines = try #require(TestSupport.reportLines(theirReport.stdout))
        let ourLines = try #require(TestSupport.reportLines(ourReport.stdout))
        #expect(ourLines == theirLines)
        #expect(ourReport.stdout.contains("Use         systemd journal"))
    }

    @Test(arguments: filters)
    func sameFailuresAsFail2banRegex(_ filter: String) throws {
        let (_, journal) = try Self.journals()
        try compare([], filter: filter, journal: journal, minimum: 100)
    }

    /// `-m` replaces the filter's journalmatch: OpenSSH 9.8's `sshd-session` entries (under
    /// sshd.service; Debian's stock sshd filter, whose prefix knows `sshd` only, misses
    /// them, in fail2ban as in failscan), read with a failregex given on the command line.
    @Test func journalmatchGivenOnTheCommandLine() throws {
        let (_, journal) = try Self.journals()
        try compare(
            ["-m", "_COMM=sshd-session"], filter: "Connection closed by authenticating user <F-USER>\\S+</F-USER> <HOST> port",
            journal: journal, minimum: 50)
        try compare(
            ["-m", "_SYSTEMD_UNIT=dovecot.service + _COMM=in.qpopper"], filter: "filters/qpoppermail.conf", journal: journal, minimum: 50)
    }

    /// `journalpath`: every journal file of a directory.
    @Test func journalpathReadsTheDirectory() throws {
        let (dir, _) = try Self.journals()
        try compare([], filter: "sshd", journal: "systemd-journal[journalpath=\(dir.path)]", minimum: 100)
    }

    /// No journal file: a clear error naming what was looked for, exit 3.
    @Test func noJournalFileIsAnError() throws {
        let dir = try TestSupport.temporaryDirectory()
        let ours = try TestSupport.failscan(["regex", "systemd-journal[journalfiles=\"\(dir.path)/*.journal\"]", "sshd"])
        #expect(ours.status == 3)
        #expect(ours.stderr.contains("no journal file"), "\(ours.stderr)")
        #expect(ours.stderr.contains(dir.path))
        let unknown = try TestSupport.failscan(["regex", "systemd-journal[namespace=web]", "sshd"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("namespace"), "\(unknown.stderr)")
    }
}
