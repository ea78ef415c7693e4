import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import Ledger
import LogSource

/// `failscan map`: one shard's failures, as ledgers for `failscan reduce`.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Scan one shard of logs (a host's files, say) and write its failures as ledgers for failscan reduce.",
        discussion: """
            The map half of a distributed `failscan jails`: FILES are one shard's files (a \
            rotated set stays in one shard: multi-line filters read it in order); each is \
            given to the jails whose logpath names its path, else to those whose logpath \
            carries its file name (/logs/web1/auth.log.2.gz to the jails reading \
            /var/log/auth.log), as `failscan jails FILE...` gives them; the reduce finds \
            the same from the names. The failures go into --partitions \
            ledgers in --out (SHARD.pK-of-P.ledger.zst: zstd-compressed JSON Lines, a header \
            with the configuration's hash, failscan's version and the files' modification \
            times, then the failures of each address, jail and file), spread by a hash of \
            the address: `failscan reduce` of every shard's ledgers gives exactly what one \
            `failscan jails` over all the files gives. Prints the ledgers' paths.

            A host's copy (a restored system, a mounted image): --root DIR reads its \
            configuration from DIR/etc/fail2ban and, without FILES, every jail's logpath \
            (rotated siblings included) or journal inside DIR, as `failscan jails --root` \
            does; FILES under DIR go to the jails whose logpath names their path in DIR's \
            system. The ledgers name the files by that system's paths (/var/log/auth.log), \
            so hosts whose logs share paths reduce together (the reduce names such a file \
            SHARD:PATH); give each host its --shard name.
              failscan map --root /srv/web1 --shard web1 --partitions 4 --out ledgers
            """
    )

    @OptionGroup var filterArguments: FilterArguments

    @Option(
        name: .long, help: ArgumentHelp("Only this jail (repeatable); default: every enabled jail.", valueName: "name"), completion: .jails)
    var jail: [String] = []

    @Option(name: .long, help: ArgumentHelp("How many ledgers (partitions by address) to write.", valueName: "p"))
    var partitions: Int = 1

    @Option(name: .long, help: ArgumentHelp("The directory the ledgers go to.", valueName: "dir"), completion: .directory)
    var out: String

    @Option(
        name: .long,
        help: ArgumentHelp("The shard's name in its ledgers' names and headers (default: a hash of its files' paths).", valueName: "name"))
    var shard: String?

    @Argument(
        help: ArgumentHelp(
            "The shard's log files (plain or compressed); with --root, optional (default: the jails' logpaths inside ROOT).",
            valueName: "files"), completion: .file())
    var givenFiles: [String] = []

    /// The files given, with those taken past the parser included (``LongArgumentList``).
    var files: [String] { LongArgumentList.appended(to: givenFiles) }

    func validate() throws {
        guard (1...4096).contains(partitions) else { throw ValidationError("--partitions must be from 1 to 4096") }
        if let shard, let problem = LedgerLimits.shardNameProblem(shard) { throw ValidationError("--shard \(problem)") }
        if filterArguments.root == nil && files.isEmpty {
            throw ValidationError("Missing expected argument '<files> ...' (the shard's files, or --root DIR for a host's copy)")
        }
    }

    func run() throws {
        try ExitStatus.run {
            let root = filterArguments.fileRoot
            let selected = try JailsCommand.select(jail, configDirectory: filterArguments.config, root: root)
            let options = filterArguments.filterOptions
            let absolute = files.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let (jails, unread) = try LedgerMap.jails(selected, files: absolute, options: options, configDirectory: filterArguments.config)
            for file in unread { Diagnostics.warning("\(file): no jail's logpath names it; not read") }
            let systemNames = root.map { LedgerMap.systemNames(jails, root: $0) } ?? [:]
            let read = jails.flatMap(\.inputs).map(\.name)
            var scanOptions = filterArguments.scanOptions(detailed: true)
            scanOptions.detailed = true
            let replay = JailReplay(jails: jails, options: scanOptions)
            // A shard holds some jails' files only: no note for the jails it does not feed.
            for note in replay.notes where !note.contains("no log file matches") && !note.contains("no journal file in") {
                Diagnostics.note(note)
            }
            let map = LedgerMap(
                replay, shard: shard ?? LedgerMap.shardName(files: absolute.isEmpty ? read : absolute), partitions: partitions,
                mapOptions: LedgerConfiguration.mapOptions(
                    filterArguments.filterOptions, countsUnterminatedLine: filterArguments.countUnterminated), failscan: Failscan.number,
                systemName: { systemNames[$0] ?? $0 },
                progress: Progress.makeReporter(paths: Array(Set(jails.flatMap(\.files))), mode: filterArguments.progress))
            Progress.finish()
            let summary = map.summary
            Diagnostics.report(summary.inputFindings)
            guard summary.filesRead > 0 || summary.files.isEmpty else { throw ExitStatus.NoInput() }
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                Diagnostics.error("\(out): cannot create the directory: \(error.localizedDescription)")
                throw ExitStatus.noInputOrOutput
            }
            for path in try map.writer.write(header: map.header, to: out) { StandardOutput.write(path + "\n") }
            if !summary.warnings.isEmpty { throw ExitStatus.incompleteInput }
        }
    }
}
