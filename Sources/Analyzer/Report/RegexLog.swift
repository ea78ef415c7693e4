import Fail2banConfig
import Foundation
import LogSource

/// What fail2ban-regex's LOG argument names: a file, `-` for standard input, a glob of
/// files (failscan's addition), the systemd journal (`systemd-journal[journalfiles=...]`),
/// or else a line of log, read from memory.
package struct RegexLog: Sendable {
    /// The inputs to read, in order.
    package private(set) var inputs: [LogInput]
    /// The argument is a line of log, not a file.
    package let isLine: Bool
    /// The journal's options when the argument is `systemd-journal[...]`.
    package private(set) var journal: JournalBackend? = nil
    /// The journalmatch in use (fail2ban-regex's "Use journal match").
    package private(set) var journalMatch: [String] = []

    /// Whether `argument` names the systemd journal, as fail2ban-regex decides it.
    package static func namesJournal(_ argument: String) -> Bool { argument.hasPrefix("systemd-journal") }

    /// fail2ban-regex's `systemd-journal[options]`: the journal files the options name, read
    /// as one stream in time order with `journalMatch` (its `-m`, else the filter's: as
    /// fail2ban-regex, the last `journalmatch` line), each split as `shlex` splits it.
    /// - Throws: `ScanError` for options failscan does not read, or no journal file.
    /// - Parameter root: the system the journal belongs to (`--root`).
    package init(journal argument: String, journalMatch: String?, root: FileRoot? = nil) throws(ScanError) {
        let options: [String: String]
        do {
            options = try FilterLoader.splitArguments(argument).1
        } catch {
            throw ScanError(.open, path: argument, error.reason)
        }
        let backend = try JournalBackend(options: options, naming: argument)
        let files = backend.journalFiles(root: root)
        guard !files.isEmpty else { throw ScanError(.open, path: argument, "no journal file in \(backend.description)") }
        let matches = journalMatch.map { JournalSelection.matches([$0]) } ?? []
        inputs = [.journal(try JournalFiles.stream(files, matches: matches))]
        isLine = false
        journal = backend
        self.journalMatch = journalMatch.map { Shell.words($0) } ?? []
    }

    /// - Parameter rotated: add the log's rotated siblings (log.1, log.2.gz), oldest first.
    package init(_ argument: String, rotated: Bool) {
        let exists = FileManager.default.fileExists(atPath: argument)
        let globbed =
            argument.contains(where: { "*?[".contains($0) }) && !exists ? RotatedSet.files(matching: [argument], rotated: rotated) : []
        isLine = argument != "-" && globbed.isEmpty && !exists
        if argument == "-" {
            inputs = [.file("/dev/stdin")]
        } else if !globbed.isEmpty {
            inputs = globbed.map(LogInput.file)
        } else if !exists {
            inputs = [.memory(name: "-", bytes: Array((argument + "\n").utf8))]
        } else if rotated {
            inputs = RotatedSet.files(matching: [argument], rotated: true).map(LogInput.file)
        } else {
            inputs = [.file(argument)]
        }
    }

    /// Whether an argument that names no file looks like a path rather than a log line: one
    /// word with a `/` or a log's suffix (`auth.log`, `mail.log.1`, `x.gz`).
    package static func looksLikePath(_ argument: String) -> Bool {
        guard !argument.isEmpty, !argument.contains(where: \.isWhitespace) else { return false }
        if argument.contains("/") { return true }
        let name = RotatedSet.rotation(of: argument).base
        return [".log", ".gz", ".xz", ".zst", ".bz2", ".txt", ".journal"].contains { name.hasSuffix($0) || argument.hasSuffix($0) }
    }

    /// Reads every input that can be read only once (a FIFO, standard input, a character
    /// device) into memory, inflated, under its own name: a command that reads the log twice
    /// (`regex --json`: the matched lines, then the report) reads such an input once.
    /// - Throws: `ScanError` when one cannot be opened.
    package mutating func spoolStreams() throws(ScanError) {
        for (index, input) in inputs.enumerated() {
            guard case .file(let path) = input else { continue }
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { continue }
            let reader = try LogReader(input, keepsUnterminatedLine: true)
            var bytes: [UInt8] = []
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.capacity, alignment: 64)
            defer { buffer.deallocate() }
            while let count = try reader.fill(buffer) { bytes += buffer[..<count] }
            inputs[index] = .memory(name: path, bytes: bytes)
        }
    }
}
