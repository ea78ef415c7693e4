import Analyzer
import ArgumentParser
import Fail2banConfig
import Foundation
import Ledger

/// `failscan map`: one shard's failures, as ledgers for `failscan reduce`.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Scan one shard of logs (a host's files, say) and write its failures as ledgers for failscan reduce.",
        discussion: """
            The map half of a distributed `failscan jails`: FILES are one shard's files (a \
            rotated set stays in one shard: multi-line filters read it in order); each is \
            given to the jails whose logpath names it (as `failscan jails` would read it, so \
            name the files as the configuration does). The failures go into --partitions \
            ledgers in --out (SHARD.pK-of-P.ledger.zst: zstd-compressed JSON Lines, a header \
            with the configuration's hash, failscan's version and the files' modification \
            times, then the failures of each address, jail and file), spread by a hash of \
            the address: `failscan reduce` of every shard's ledgers gives exactly what one \
            `failscan jails` over all the files gives. Prints the ledgers' paths.
            """
    )

    @OptionGroup var filterArguments: FilterArguments

    @Option(name: .long, help: ArgumentHelp("Only this jail (repeatable); default: every enabled jail.", valueName: "name"))
    var jail: [String] = []

    @Option(name: .long, help: ArgumentHelp("How many ledgers (partitions by address) to write.", valueName: "p"))
    var partitions: Int = 1

    @Option(name: .long, help: ArgumentHelp("The directory the ledgers go to.", valueName: "dir"))
    var out: String

    @Option(
        name: .long,
        help: ArgumentHelp("The shard's name in its ledgers' names and headers (default: a hash of its files' paths).", valueName: "name"))
    var shard: String?

    @Argument(help: ArgumentHelp("The shard's log files (plain or compressed).", valueName: "files"))
    var givenFiles: [String]

    /// The files given, with those taken past the parser included (``LongArgumentList``).
    var files: [String] { LongArgumentList.appended(to: givenFiles) }

    func validate() throws {
        guard (1...4096).contains(partitions) else { throw ValidationError("--partitions must be from 1 to 4096") }
        if let shard, let problem = LedgerLimits.shardNameProblem(shard) { throw ValidationError("--shard \(problem)") }
        if filterArguments.root != nil {
            throw ValidationError("map does not take --root yet: name the shard's files (with --config for their configuration)")
        }
    }

    func run() throws {
        try ExitStatus.run {
            let selected = try JailsCommand.select(jail, configDirectory: filterArguments.config)
            let options = filterArguments.filterOptions
            let absolute = files.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let (jails, unread) = try LedgerMap.jails(selected, files: absolute, options: options, configDirectory: filterArguments.config)
            for file in unread { Diagnostics.warning("\(file): no jail's logpath names it; not read") }
            var scanOptions = filterArguments.scanOptions(detailed: true)
            scanOptions.detailed = true
            let replay = JailReplay(jails: jails, options: scanOptions)
            // A shard holds some jails' files only: no note for the jails it does not feed.
            for note in replay.notes where !note.contains("no log file matches") && !note.contains("no journal file in") {
                Diagnostics.note(note)
            }
            let map = LedgerMap(
                replay, shard: shard ?? LedgerMap.shardName(files: absolute), partitions: partitions,
                mapOptions: LedgerConfiguration.mapOptions(
                    filterArguments.filterOptions, countsUnterminatedLine: filterArguments.countUnterminated), failscan: Failscan.number,
                progress: Progress.makeReporter(paths: Array(Set(jails.flatMap(\.files)))))
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
