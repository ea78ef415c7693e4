import Fail2banConfig
import Foundation
import TestSupport
import Testing

@testable import Analyzer

/// `failscan tune` over every path of the scan: every chunk size and thread count gives
/// the same outcomes, logins and lockouts (the sample auth.log's sshd and qpopper logins,
/// a grid of four settings).
@Suite struct TuningPathsTests {
    func outcomes(_ filter: String, chunkSize: Int, threads: Int) throws -> (String, Int, Int) {
        let config = JailConfig(name: "j", filter: filter, maxRetry: 3, findTime: 600, banTime: 3600)
        let options = FilterOptions(now: 1_795_600_000)
        let compiled = try CompiledFilter(spec: filter, options: options)
        let jail = JailReplay.Jail(config: config, filter: compiled, files: [TestSupport.corpus("logs/auth.log")])
        let success = try SuccessPatterns.compile(
            SuccessPatterns.regexes(jail: config, filter: compiled.config), like: compiled, jail: config, options: options)
        let settings = TuneSetting.grid(maxRetry: [2, 3], findTime: [600, 86400], banTime: [3600], increment: [false])
        let replay = JailReplay(jails: [jail], options: ScanOptions(threads: threads, chunkSize: chunkSize))
        let result = Tuning(jail: jail, success: success, settings: settings, replay: replay).run()
        let text = result.outcomes.map { o in
            "\(o.bans) \(o.banned) \(o.failuresStopped) \(o.slowAttackers.map(\.id)) \(o.lockouts.map { "\($0.id) \($0.user) \($0.start) \($0.success)" })"
        }.joined(separator: "\n")
        return (text, result.logins, result.legitimate)
    }

    @Test(arguments: ["/etc/fail2ban/filter.d/sshd.conf", TestSupport.corpus("filters/qpopperauth.conf")])
    func everyPathGivesTheSameOutcomes(filter: String) throws {
        try #require(FileManager.default.fileExists(atPath: "/etc/fail2ban/filter.d/sshd.conf"), "\(TestSupport.fail2banHint)")
        let reference = try outcomes(filter, chunkSize: 1 << 20, threads: 1)
        #expect(reference.1 > 100, "the sample log has logins: \(reference.1)")
        #expect(reference.0.contains(" alice ") || reference.0.contains(" bob "), "and lockouts: \(reference.0)")
        for (chunkSize, threads) in [(4096, 1), (4096, 2), (1 << 16, 2), (1 << 20, 2)] {
            let other = try outcomes(filter, chunkSize: chunkSize, threads: threads)
            #expect(other == reference, "chunk \(chunkSize), \(threads) thread(s)")
        }
    }
}
