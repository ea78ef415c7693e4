import Analyzer
import ArgumentParser
import Fail2banConfig
import Output

/// `failscan jails`: replay a fail2ban jail configuration over its logs.
struct JailsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jails",
        abstract: "Replay the enabled jails of a fail2ban configuration over their logs and write the bans.",
        discussion: """
            Reads jail.conf, jail.d/*.conf, jail.local and jail.d/*.local of --config as fail2ban \
            does, scans every enabled jail's logpath (globs, with rotated siblings such as \
            mail.log.1, mail.log.2.gz and mail.log.3.xz, oldest first; each file is read once \
            even when several jails watch it), and decides bans as fail2ban's FailManager would \
            have with the logs' own time as its clock: one ticket per address and jail, \
            maxretry within findtime, ignoreip never counted. Jails with backend = systemd read \
            the systemd journal (or the copy their journalpath, journalfiles options name) with \
            their filter's journalmatch, each entry as fail2ban's systemd backend renders it.

            Outputs (--format): \(OutputFormat.summary)
            """
    )

    @OptionGroup var filterArguments: FilterArguments

    @Option(name: .long, help: ArgumentHelp("Only this jail (repeatable); default: every enabled jail.", valueName: "name"))
    var jail: [String] = []

    @Flag(name: .customLong("no-rotated"), help: "Do not add rotated siblings (mail.log.1, mail.log.2.gz, ...) to each logpath.")
    var noRotated = false

    @Flag(
        name: .customLong("recidive-from-replay"),
        help:
            "Feed jails with the recidive filter with the other jails' bans from this replay (each ban a failure at its start, as fail2ban.log would say it) instead of reading fail2ban.log."
    )
    var recidiveFromReplay = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Every selected jail's backend instead of its own, as in jail.conf: systemd reads the system journal (/var/log/journal, /run/log/journal), systemd[journalpath=DIR] or systemd[journalfiles=\"GLOB GLOB\"] a copy of it; auto (or polling, pyinotify) reads logpath. Jails with backend = systemd read the journal without it.",
            valueName: "backend"))
    var backend: String?

    @OptionGroup var replayArguments: ReplayArguments

    func run() throws {
        try ExitStatus.run {
            var selected = try Self.select(jail, configDirectory: filterArguments.config)
            if let backend {
                for index in selected.indices { selected[index].backend = backend }
            }
            let options = filterArguments.filterOptions
            var jails: [JailReplay.Jail] = []
            for config in selected { jails.append(try JailReplay.Jail(config: config, options: options, rotated: !noRotated)) }
            var replay = replayArguments.replay(jails, options: filterArguments.scanOptions())
            replay.recidiveFromReplay = recidiveFromReplay
            try replayArguments.execute(replay, filterArguments: filterArguments)
        }
    }

    /// The jails named (default: every enabled one) of the configuration.
    /// - Throws: `ConfigError` for a name that is no jail, or when none is enabled.
    static func select(_ names: [String], configDirectory config: String) throws -> [JailConfig] {
        try JailSelection(names, configDirectory: config).required()
    }
}
