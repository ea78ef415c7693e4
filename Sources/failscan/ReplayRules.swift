import Analyzer
import ArgumentParser

/// How a replay decides, whatever it writes: the ban rule, the time range, the host's own
/// addresses, host names (`scan`, `jails`, `reduce` and `tune`).
struct ReplayRules: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Ban rule: failmanager is fail2ban's own accounting, sliding bans at maxretry failures within any findtime interval.",
            valueName: "rule"))
    var window: BanWindow = .failmanager

    @Option(
        name: .long,
        help: ArgumentHelp("Ignore failures before this time (Unix seconds or YYYY-MM-DD[THH:MM[:SS]], local time).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Ignore failures after this time.", valueName: "time"))
    var until: String?

    @Option(
        name: .customLong("self-address"),
        help: ArgumentHelp(
            "An address or network of the host whose logs these are: jails with ignoreself (fail2ban's default) never ban it, as they never ban loopback; repeatable.",
            valueName: "cidr"))
    var selfAddresses: [String] = []

    @Flag(
        name: .customLong("resolve-hosts"),
        help:
            "Look up host names that <HOST> matched through the system resolver and count each address, as fail2ban does with usedns = yes or warn (today's DNS, not the logs'; one lookup per name). Without it they are reported and never banned."
    )
    var resolveHosts = false

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, CivilTime.parse(value) == nil {
                throw ValidationError("\(name) \(value): not a time (Unix seconds or YYYY-MM-DD[THH:MM[:SS]])")
            }
        }
        for entry in selfAddresses where CIDR(entry) == nil {
            throw ValidationError("--self-address \(entry) is not an address or network")
        }
    }

    /// A replay of `jails` with these rules.
    func replay(_ jails: [JailReplay.Jail], options: ScanOptions) -> JailReplay {
        var replay = JailReplay(
            jails: jails, options: options, window: window, since: since.flatMap(CivilTime.parse), until: until.flatMap(CivilTime.parse))
        replay.selfAddresses = selfAddresses.compactMap(CIDR.init)
        replay.resolveHosts = resolveHosts
        return replay
    }
}
