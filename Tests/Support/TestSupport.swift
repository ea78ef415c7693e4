import Foundation

/// Paths and process helpers shared by the test targets.
public enum TestSupport {
    /// The package root (this file is Tests/Support/TestSupport.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under Corpus/.
    public static func corpus(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Corpus").appendingPathComponent(relative).path
    }

    /// The built `failscan` binary, beside the test bundle.
    public static var failscanBinary: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("failscan").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/failscan").path
    }

    /// The outcome of a child process.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` with `arguments`, optionally with extra environment.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so that neither fills up and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the failscan binary.
    public static func failscan(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try run(failscanBinary, arguments, environment: environment)
    }

    /// The counts of a report's `Lines: N lines, N ignored, N matched, N missed` line
    /// (`failscan regex`, fail2ban-regex).
    public static func reportLines(_ output: String) -> (lines: Int, ignored: Int, matched: Int, missed: Int)? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Lines: ") }) else { return nil }
        let numbers = line.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }
        guard numbers.count == 4 else { return nil }
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }

    /// The matched-line rows of `failscan regex --json` (without the report object
    /// `{"report": ...}` that ends the output).
    public static func jsonRows(_ output: String) -> [Substring] {
        output.split(separator: "\n").filter { !$0.hasPrefix("{\"report\":") }
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Where fail2ban-regex lives, or nil.
    public static var fail2banRegex: String? {
        ["/usr/bin/fail2ban-regex", "/usr/local/bin/fail2ban-regex"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The hint shown when fail2ban is missing: the conformance tests fail, never skip.
    public static let fail2banHint = "fail2ban is not installed: the conformance tests need it as the oracle (apt-get install fail2ban)"

    /// The hint shown when the journal tools are missing.
    public static let journalHint = "apt-get install systemd-journal-remote python3-systemd fail2ban (scripts/install-deps test)"

    /// A journal file of `entries` entries from `Corpus/generate.py journal-export` (seed
    /// `seed`, the first at Unix time `start`, one every `step` seconds), built by
    /// `systemd-journal-remote` as `name` in `directory` (no running journald).
    public static func journal(
        entries: Int, seed: Int, start: Double = 1_793_000_000, step: Double = 1.5, named name: String? = nil, in directory: URL
    ) throws -> String {
        let export = directory.appendingPathComponent("export-\(seed).txt").path
        let generated = try run(
            "/usr/bin/python3",
            [
                corpus("generate.py"), "journal-export", "--entries", String(entries), "--seed", String(seed), "--start", String(start),
                "--step", String(step), export,
            ])
        guard generated.status == 0 else { throw JournalBuildError(reason: generated.stderr) }
        let file = directory.appendingPathComponent(name ?? "j\(seed).journal").path
        let built = try run("/bin/sh", ["-c", "/usr/lib/systemd/systemd-journal-remote -o '\(file)' - < '\(export)'"])
        guard built.status == 0 else { throw JournalBuildError(reason: built.stderr + " (" + journalHint + ")") }
        try? FileManager.default.removeItem(atPath: export)
        return file
    }

    /// A journal file could not be built.
    public struct JournalBuildError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }
}

/// A seeded random number generator (SplitMix64): tests that draw random input draw the
/// same input on every run, so a failure can be replayed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
