import Fail2banConfig
import LogSource

/// Something a run found that its user should know and that is not its output: lines given
/// up on, failures not counted, ids left out. Commands render findings in one place
/// (standard error); the library only says them.
package struct Finding: Sendable, Equatable, CustomStringConvertible {
    /// How much it matters.
    package enum Level: Sendable, Equatable {
        /// Something was lost or left out.
        case warning
        /// Something behaved as fail2ban's would, perhaps not as expected.
        case note
    }

    package let level: Level
    package let message: String

    package init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }

    package var description: String { message }
}

extension Finding {
    /// What reading the inputs met: each problem (a warning), each last line left out
    /// because it had no newline (a note).
    package static func input(warnings: [ScanError], unterminated: [(path: String, bytes: Int)]) -> [Finding] {
        warnings.map { Finding(.warning, $0.description) }
            + unterminated.map {
                Finding(
                    .note,
                    "\($0.path): the last line has no newline (\($0.bytes) bytes) and was not read: it may be half written (--count-unterminated reads it)"
                )
            }
    }
}

extension ScanSummary {
    /// What reading the files met (``Finding/input(warnings:unterminated:)``).
    package var inputFindings: [Finding] {
        Finding.input(warnings: warnings, unterminated: unterminated.map { ($0.path, $0.unterminatedBytes) })
    }
}

extension RegexReport {
    /// What reading the inputs met (``Finding/input(warnings:unterminated:)``).
    package var inputFindings: [Finding] { Finding.input(warnings: warnings, unterminated: unterminated) }
}

extension FilterCounters {
    /// What the counts say that a user should know: lines given up on at PCRE2's limits,
    /// matched lines without a date, matched lines whose address is not one. Messages start
    /// with `[jail] ` when a jail is named; `limits: false` leaves out the limit hits (a
    /// report that counts them itself).
    package func findings(jail: String? = nil, limits: Bool = true) -> [Finding] {
        let prefix = jail.map { "[\($0)] " } ?? ""
        var found: [Finding] = []
        if limits, limitHits > 0 {
            found.append(.init(.warning, "\(prefix)\(limitHits) line(s) were given up on because a regex hit PCRE2's match limits"))
        }
        if noDate > 0 {
            found.append(
                .init(.warning, "\(prefix)\(noDate) matched line(s) had no date and no dated line above them; they were not counted"))
        }
        if invalidID > 0 {
            found.append(
                .init(
                    .warning,
                    "\(prefix)\(invalidID) matched line(s) named an address that is not one (300.1.1.1, or ambiguous leading zeros as in 010.001.002.003); they were not counted"
                ))
        }
        return found
    }
}

extension JailReplay.Outcome {
    /// Per jail what its counts say (``FilterCounters/findings(jail:)``) and the host names
    /// reported but never banned; with `addressesOnly` (an output that holds addresses
    /// only), the banned ids and addresses it leaves out.
    package func findings(addressesOnly: Bool) -> [Finding] {
        var found: [Finding] = []
        for result in results {
            let name = result.jail.name
            found += result.counters.findings(jail: name)
            if result.hosts.unresolved > 0 {
                let example = result.hosts.names.sorted().first ?? ""
                found.append(
                    .init(
                        .note,
                        "[\(name)] \(result.hosts.unresolved) failure(s) from \(result.hosts.names.count) host name(s) (e.g. \(example)) are reported, never banned: fail2ban would resolve them (usedns = \(result.jail.useDNS.rawValue)); --resolve-hosts does"
                    ))
            }
            let skipped = result.bannedNonAddresses
            if addressesOnly, !skipped.isEmpty {
                found.append(
                    .init(
                        .warning,
                        "[\(name)] \(skipped.count) banned id(s) are not addresses (<F-ID> values) and are left out (e.g. \(skipped[0]))"))
            }
        }
        let unbannable = results.flatMap { $0.banned(ipv6: false) + $0.banned(ipv6: true) }.filter { !$0.isBannable }
        if addressesOnly, let example = unbannable.first {
            found.append(
                .init(
                    .warning,
                    "\(unbannable.count) banned address(es) are unspecified, loopback, multicast or reserved and are left out (e.g. \(example))"
                ))
        }
        return found
    }
}
