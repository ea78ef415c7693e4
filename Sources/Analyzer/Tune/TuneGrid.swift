import Fail2banConfig
import Foundation

/// What-if replays of one jail: the failures a scan found, decided again under every
/// setting of a grid by the FailManager `failscan jails` uses (so each setting gives the
/// bans a run with that setting gives), with what each setting would have cost:
/// legitimate users locked out, failures stopped, slow attackers let through.
package struct TuneGrid: Sendable {
    /// A successful login: a legitimate user's address, by the jail's success regexes.
    package struct Success: Sendable, Equatable {
        package let time: Int
        package let user: String

        package init(time: Int, user: String) {
            self.time = time
            self.user = user
        }
    }

    package let settings: [TuneSetting]
    /// The jail's policy: ignoreip, the ban rule, its `bantime.increment` settings.
    package let base: JailPolicy

    package init(settings: [TuneSetting], base: JailPolicy) {
        self.settings = settings
        self.base = base
    }

    /// The policy of `setting`: the jail's, with its maxretry, findtime and bantime, and
    /// `bantime.increment` on (the jail's settings, else fail2ban's defaults) or off.
    package func policy(_ setting: TuneSetting) -> JailPolicy {
        var policy = base
        policy.maxRetry = setting.maxRetry
        policy.findTime = setting.findTime
        policy.banTime = setting.banTime
        policy.increment = setting.increment ? (base.increment ?? BanTimeIncrement()) : nil
        return policy
    }

    /// What of each setting's outcome is kept.
    package enum Detail: Sendable {
        /// Every list: banned addresses, slow attackers, every lockout (JSON).
        case everything
        /// Counts and the first `lockouts` lockouts (``TuneOutcome/summarized(keepingLockouts:)``).
        case summary(lockouts: Int)
    }

    /// Settings decided at once (four per core): a batch's outcomes are all that is held
    /// with ``Detail/everything`` before they are handed on.
    static let batch = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

    /// Every setting over `ledger` (finished), ``batch`` settings at a time on every core,
    /// each outcome kept as `detail` says and handed to `emit` in the settings' order.
    /// Memory holds the failures, one batch of outcomes, and what `emit` keeps.
    /// - Parameters:
    ///   - loggedIn: whether an id logged in successfully (a legitimate user's).
    ///   - successes: the successful logins of an id, in time order (asked for banned ids).
    package func evaluate(
        _ ledger: FailureLedger, loggedIn: @escaping @Sendable (FailureID) -> Bool,
        successes: @escaping @Sendable (FailureID) -> [Success]?, detail: Detail, emit: (TuneOutcome) -> Void
    ) {
        let entries = ledger.entries.filter { !base.ignores($0.key) }.sorted { $0.key < $1.key }
        let ids = entries.map(\.key)
        let times = entries.map(\.value.times)
        for start in stride(from: 0, to: settings.count, by: Self.batch) {
            let count = min(Self.batch, settings.count - start)
            let outcomes = Parallel.map(count) { k in
                let setting = settings[start + k]
                var outcome = Self.evaluate(
                    setting, policy: policy(setting), ids: ids, times: times, loggedIn: loggedIn, successes: successes)
                outcome.seal()
                if case .summary(let lockouts) = detail { outcome = outcome.summarized(keepingLockouts: lockouts) }
                return outcome
            }
            for outcome in outcomes { emit(outcome) }
        }
    }

    static func evaluate(
        _ setting: TuneSetting, policy: JailPolicy, ids: [FailureID], times: [[Int]], loggedIn: (FailureID) -> Bool,
        successes: (FailureID) -> [Success]?
    ) -> TuneOutcome {
        let manager = FailManager(policy: policy)
        var outcome = TuneOutcome(setting: setting)
        for (id, times) in zip(ids, times) {
            outcome.failures += times.count
            // A host name is reported, never banned (as FailManager.decide).
            let spans: [(start: Int, end: Int)]
            if case .host = id { spans = [] } else { spans = manager.bans(times, id: id) }
            guard let first = spans.first else {
                // A legitimate user's address (it logged in) is no attacker, however often it
                // mistyped.
                if times.count >= setting.maxRetry, case .address = id, !loggedIn(id) {
                    outcome.slowAttackers.append(.init(id: id, failures: times.count, first: times[0], last: times[times.count - 1]))
                }
                continue
            }
            outcome.bans += spans.count
            outcome.banned.append(id)
            outcome.timesToFirstBan.append(first.start - times[0])
            // Failures after a ban's start, up to its end: stopped.
            var span = 0
            for t in times {
                while span < spans.count, spans[span].end < t { span += 1 }
                if span < spans.count, t > spans[span].start { outcome.failuresStopped += 1 }
            }
            if let logins = successes(id), !logins.isEmpty {
                for ban in spans {
                    // The login nearest the ban (the earlier one on a tie).
                    let after = logins.firstIndex { $0.time > ban.start } ?? logins.count
                    let candidates = [after - 1, after].filter { logins.indices.contains($0) }
                    let login = logins[candidates.min { abs(logins[$0].time - ban.start) < abs(logins[$1].time - ban.start) }!]
                    let leading = times.filter { $0 <= ban.start && $0 >= ban.start - setting.findTime }.count
                    outcome.lockouts.append(
                        .init(id: id, user: login.user, start: ban.start, end: ban.end, failures: leading, success: login.time))
                }
            }
        }
        return outcome
    }
}
