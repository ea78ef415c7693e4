import Foundation
import Testing
@testable import Analyzer
import Matcher
import TestSupport

/// Reads a whole file through LogSource and LineChunker.
func readAll(_ path: String, capacity: Int = 1 << 16) throws -> (text: [UInt8], warnings: [ScanError], compression: Compression) {
    let (source, compression) = try LogSource.open(path)
    let chunker = LineChunker(source: source, capacity: capacity)
    var out: [UInt8] = []
    while let chunk = try chunker.next() { out.append(contentsOf: chunk) }
    return (out, source.warnings, compression)
}

func gunzip(_ path: String) throws -> [UInt8] {
    let output = try TestSupport.run("/bin/gzip", ["-dc", path])
    return Array(output.stdout.utf8)
}

@Suite struct SourceTests {
    @Test func multiMemberGzipIsReadToItsEnd() throws {
        let path = TestSupport.corpus("logs/mail.log.2.gz")
        let (text, warnings, compression) = try readAll(path)
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

    @Test func truncatedGzipKeepsWhatItHasAndSaysWhere() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/mail.log.2.gz")))
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("cut.gz").path
        try data.prefix(data.count / 4).write(to: URL(fileURLWithPath: path))
        let (text, warnings, _) = try readAll(path)
        #expect(text.count > 10_000)
        #expect(warnings.count == 1)
        #expect(warnings.first?.code == .gzipTruncated)
        #expect(warnings.first?.description.contains("cut.gz: truncated gzip member at byte") == true)
    }

    @Test func trailingGarbageIsReported() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: TestSupport.corpus("logs/mail.log.2.gz")))
        data.append(contentsOf: Array("garbage".utf8))
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("g.gz").path
        try data.write(to: URL(fileURLWithPath: path))
        let (_, warnings, _) = try readAll(path)
        #expect(warnings.map(\.code) == [.gzipTrailingGarbage])
    }

    @Test func missingFileNamesTheFileAndReason() {
        do {
            _ = try LogSource.open("/nonexistent/mail.log")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/mail.log: cannot open: No such file or directory")
        }
    }

    @Test(arguments: [7, 64, 4096, 1 << 16])
    func chunkingNeverSplitsALine(capacity: Int) throws {
        let path = TestSupport.corpus("logs/mail.log")
        let (source, _) = try LogSource.open(path)
        let chunker = LineChunker(source: source, capacity: capacity)
        var total = 0
        while let chunk = try chunker.next() {
            total += chunk.count
            if chunker.longLines == 0 { #expect(chunk.last == 10) }
        }
        if capacity > 400 {
            #expect(total == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        } else {
            #expect(chunker.longLines > 0)
        }
    }

    @Test func rotatedSetIsReadOldestFirst() {
        #expect(RotatedSet.timeOrder(["mail.log", "mail.log.1", "mail.log.10.gz", "mail.log.2.gz", "auth.log"]) ==
                ["mail.log.10.gz", "mail.log.2.gz", "mail.log.1", "mail.log", "auth.log"])
    }
}
