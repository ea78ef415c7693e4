import Analyzer
import ArgumentParser
import Fail2banConfig
import LogSource
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

            A restored system or a mounted image: --root DIR reads its configuration and logs \
            inside DIR. An archive's copy of the logs alone: name its files (each goes to the \
            jails whose logpath carries its file name), or give a jail its files with --logpath.

            Examples:
              failscan jails --format nft --output /tmp/f2b.nft
              failscan jails --root /mnt/server --format json
              failscan jails --jail sshd --jail dovecot /mnt/archive/var/log/auth.log* /mnt/archive/var/log/mail.log*
              failscan jails --logpath sshd='/mnt/archive/var/log/auth.log' --jail sshd --format json

            Outputs (--format): \(OutputFormat.summary)
            """
    )

    @OptionGroup var filterArguments: FilterArguments

    @Option(
        name: .long, help: ArgumentHelp("Only this jail (repeatable); default: every enabled jail.", valueName: "name"), completion: .jails)
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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "JAIL=GLOB: read these files for the jail instead of its logpath (repeatable; several for one jail add up), as a logpath line would: rotated siblings added unless --no-rotated.",
            valueName: "jail=glob"))
    var logpath: [String] = []

    @OptionGroup var replayArguments: ReplayArguments

    @Argument(
        help: ArgumentHelp(
            "Log files to read instead of the jails' logpath (an archive's copy): each goes to every selected jail whose logpath carries its file name, rotated and compressed siblings too (auth.log.3.gz to the jails reading auth.log), journal files to the jails of the systemd backend; a jail given none reads nothing, a file no jail reads is named.",
            valueName: "file"), completion: .file())
    var givenFiles: [String] = []

    /// The files given, with those taken past the parser included (``LongArgumentList``).
    var files: [String] { LongArgumentList.appended(to: givenFiles) }

    func validate() throws {
        for value in logpath {
            let parts = value.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--logpath \(value): JAIL=GLOB (sshd=/mnt/var/log/auth.log)")
            }
        }
    }

    /// `--logpath`'s patterns per jail name.
    var logpaths: [String: [String]] {
        var patterns: [String: [String]] = [:]
        for value in logpath {
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            patterns[parts[0], default: []].append(parts[1])
        }
        return patterns
    }

    func run() throws {
        try ExitStatus.run {
            var selected = try Self.select(jail, configDirectory: filterArguments.config, root: filterArguments.fileRoot)
            if let backend {
                for index in selected.indices { selected[index].backend = backend }
            }
            let patterns = logpaths
            for name in patterns.keys.sorted() where !selected.contains(where: { $0.name == name }) {
                throw ConfigError(
                    file: filterArguments.config,
                    "--logpath \(name)=...: no selected jail [\(name)] (select a disabled jail with --jail \(name))")
            }
            for index in selected.indices {
                guard let given = patterns[selected[index].name] else { continue }
                if selected[index].backend.lowercased().hasPrefix("systemd") {
                    throw ConfigError(
                        file: filterArguments.config,
                        "--logpath \(selected[index].name)=...: the jail reads the systemd journal (backend = \(selected[index].backend)); give --backend auto to read files"
                    )
                }
                selected[index].logPatterns = given
            }
            let options = filterArguments.filterOptions
            var jails: [JailReplay.Jail] = []
            let files = self.files
            let assignment = files.isEmpty ? nil : LogAssignment(files, jails: selected)
            for file in assignment?.unread ?? [] {
                Diagnostics.warning(
                    "\(file): no selected jail's logpath carries its name (nor is it a journal file for a systemd jail); not read")
            }
            for config in selected {
                if let assignment, patterns[config.name] == nil {
                    jails.append(try JailReplay.Jail(config: config, options: options, given: assignment.files[config.name] ?? []))
                } else {
                    jails.append(try JailReplay.Jail(config: config, options: options, rotated: !noRotated))
                }
            }
            var replay = replayArguments.replay(jails, options: filterArguments.scanOptions())
            replay.recidiveFromReplay = recidiveFromReplay
            try replayArguments.execute(replay, filterArguments: filterArguments)
        }
    }

    /// The jails named (default: every enabled one) of the configuration.
    /// - Throws: `ConfigError` for a name that is no jail, or when none is enabled.
    static func select(_ names: [String], configDirectory config: String, root: FileRoot? = nil) throws -> [JailConfig] {
        try JailSelection(names, configDirectory: config, root: root).required()
    }
}
