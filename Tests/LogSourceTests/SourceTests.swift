import Foundation
import Matcher
import TestSupport
import Testing

@testable import Analyzer
@testable import Fail2banConfig
@testable import LogSource

/// Reads a whole file through LogSource and LineChunker.
func readAll(_ path: String, capacity: Int = 1 << 16, engine: InflateEngine = .isal) throws -> (
    text: [UInt8], warnings: [ScanError], compression: Compression
) {
    let (source, compression) = try LogFile.open(path, engine: engine)
    let chunker = LineChunker(source: source, capacity: capacity)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    while let count = try chunker.fill(buffer) { out.append(contentsOf: buffer[0..<count]) }
    return (out, source.warnings, compression)
}

func gunzip(_ path: String) throws -> [UInt8] {
    let output = try TestSupport.run("/bin/gzip", ["-dc", path])
    return Array(output.stdout.utf8)
}

@Suite struct SourceTests {
    @Test(arguments: InflateEngine.allCases)
    func multiMemberGzipIsReadToItsEnd(engine: InflateEngine) throws {
        let path = TestSupport.corpus("logs/mail.log.2.gz")
        let (text, warnings, compression) = try readAll(path, engine: engine)
        #expect(compression == .gzip)
        #expect(warnings.isEmpty)
        let reference = try TestSupport.run("/bin/sh", ["-c", "gzip -dc '\(path)' | wc -c"]).stdout
        #expect(String(text.count) == reference.trimmingCharacters(in: .whitespacesAndNewlines))
        // Two members: the second half is there.
        let members = try TestSupport.run("/bin/sh", ["-c", "gzip -dc '\(path)' | tail -c 200"]).stdout
        #expect(String(decoding: text.suffix(200), as: UTF8.self) == members)
    }

    @Test func gzipIsRecognisedByContentNotName() throws {
        let dir = try TestSupport.temporaryDirectory()
        let renamed = dir.appendingPathComponent("mail.log.3").path
        try FileManager.default.copyItem(atPath: TestSupport.corpus("logs/mail.log.2.gz"), toPath: renamed)
        #expect(try readAll(renamed).compression == .gzip)
        let plainNamedGz = dir.appendingPathComponent("plain.gz").path
        try "Nov 1 00:00:00 h x\n".write(toFile: plainNamedGz, atomically: true, encoding: .utf8)
        #expect(try readAll(plainNamedGz).compression == .none)
    }

    @Test(arguments: InflateEngine.allCases)
    func truncatedGzipKeepsWhatItHasAndSaysWhere(engine: InflateEngine) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/mail.log.2.gz")))
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("cut.gz").path
        try data.prefix(data.count / 4).write(to: URL(fileURLWithPath: path))
        let (text, warnings, _) = try readAll(path, engine: engine)
        #expect(text.count > 10_000)
        #expect(warnings.count == 1)
        #expect(warnings.first?.code == .truncated)
        #expect(warnings.first?.description.contains("cut.gz: truncated gzip member at byte") == true)
    }

    @Test(arguments: InflateEngine.allCases)
    func trailingGarbageIsReported(engine: InflateEngine) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/mail.log.2.gz")))
        data.append(contentsOf: Array("garbage".utf8))
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("g.gz").path
        try data.write(to: URL(fileURLWithPath: path))
        let (_, warnings, _) = try readAll(path, engine: engine)
        #expect(warnings.map(\.code) == [.trailingGarbage])
    }

    @Test(arguments: InflateEngine.allCases)
    func corruptDataIsReportedWithItsOffset(engine: InflateEngine) throws {
        var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/mail.log.2.gz"))))
        for i in stride(from: 2000, to: 2400, by: 7) { data[i] ^= 0x5a }
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("bad.gz").path
        try Data(data).write(to: URL(fileURLWithPath: path))
        let (_, warnings, _) = try readAll(path, engine: engine)
        #expect(warnings.map(\.code) == [.corrupt])
        #expect(warnings.first?.description.contains("bad.gz: corrupt gzip data at byte") == true)
    }

    @Test func bothEnginesInflateTheSameBytes() throws {
        let path = TestSupport.corpus("logs/mail.log.2.gz")
        #expect(try readAll(path, capacity: 4096, engine: .isal).text == readAll(path, capacity: 1 << 20, engine: .zlib).text)
    }

    @Test func missingFileNamesTheFileAndReason() {
        do {
            _ = try LogFile.open("/nonexistent/mail.log")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/mail.log: cannot open: No such file or directory")
        }
    }

    @Test(arguments: [16, 64, 4096, 1 << 16])
    func chunkingNeverSplitsALine(capacity: Int) throws {
        let path = TestSupport.corpus("logs/mail.log")
        let (source, _) = try LogFile.open(path)
        let chunker = LineChunker(source: source, capacity: capacity)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        var total = 0
        while let count = try chunker.fill(buffer) {
            total += count
            if chunker.longLines == 0 { #expect(buffer[count - 1] == 10) }
        }
        if capacity > 400 {
            #expect(total == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        } else {
            #expect(chunker.longLines > 0)
        }
    }

    @Test func rotatedSetIsReadOldestFirst() {
        #expect(
            RotatedSet.timeOrder(["mail.log", "mail.log.1", "mail.log.10.gz", "mail.log.2.gz", "auth.log"]) == [
                "mail.log.10.gz", "mail.log.2.gz", "mail.log.1", "mail.log", "auth.log",
            ])
    }

    /// logpath's rotated siblings of every compression failscan reads (issue 8).
    @Test func rotatedSiblingsOfEveryCompression() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let names = [
            "mail.log", "mail.log.1", "mail.log.2.gz", "mail.log.3.xz", "mail.log.4.zst", "mail.log.5.bz2",
            "mail.log.6.zstd", "mail.log.old", "mail.logx.1", "other.log.1",
        ]
        for name in names { #expect(FileManager.default.createFile(atPath: dir + "/" + name, contents: Data())) }
        let expected = ["mail.log.6.zstd", "mail.log.5.bz2", "mail.log.4.zst", "mail.log.3.xz", "mail.log.2.gz", "mail.log.1", "mail.log"]
        #expect(RotatedSet.files(matching: [dir + "/mail.log"]) == expected.map { dir + "/" + $0 })
        #expect(RotatedSet.files(matching: [dir + "/mail.log"], rotated: false) == [dir + "/mail.log"])
        #expect(RotatedSet.files(matching: [dir + "/*.log"]).count == 7) // other.log has no live file
    }
}

/// zstd, xz and bzip2, recognised by magic bytes, written by the real tools.
@Suite struct OtherFormatTests {
    static let formats: [(tool: String, compression: Compression)] = [("zstd", .zstd), ("xz", .xz), ("bzip2", .bzip2)]

    func compressed(_ tool: String, concatenated: Bool) throws -> (path: String, original: [UInt8]) {
        let dir = try TestSupport.temporaryDirectory()
        let source = TestSupport.corpus("logs/mail.log")
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let path = dir.appendingPathComponent("mail.log.2.x").path
        let half = original.count / 2
        try Data(original[..<half]).write(to: dir.appendingPathComponent("a"))
        try Data(original[half...]).write(to: dir.appendingPathComponent("b"))
        let script =
            concatenated
            ? "\(tool) -c a > '\(path)' && \(tool) -c b >> '\(path)'"
            : "cat a b | \(tool) -c > '\(path)'"
        let run = try TestSupport.run("/bin/sh", ["-c", "cd '\(dir.path)' && \(script)"])
        #expect(run.status == 0, "\(tool): \(run.stderr) (apt-get install zstd xz-utils bzip2)")
        return (path, original)
    }

    @Test(arguments: formats)
    func readsSingleAndConcatenatedMembers(tool: String, compression: Compression) throws {
        for concatenated in [false, true] {
            let (path, original) = try compressed(tool, concatenated: concatenated)
            let (text, warnings, detected) = try readAll(path, capacity: 4096)
            #expect(detected == compression)
            #expect(warnings.isEmpty, "\(warnings)")
            #expect(text == original, "\(tool) concatenated: \(concatenated)")
        }
    }

    @Test(arguments: formats)
    func truncatedFileIsReported(tool: String, compression: Compression) throws {
        let (path, _) = try compressed(tool, concatenated: false)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let (text, warnings, _) = try readAll(path, capacity: 4096)
        // bzip2 decodes whole 900 kB blocks: half of a one-block file yields nothing.
        #expect(!text.isEmpty || compression == .bzip2)
        #expect(warnings.map(\.code) == [.truncated], "\(warnings)")
    }
}
