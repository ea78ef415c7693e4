import Foundation
import OutputBasics
import Testing

/// Files replaced atomically.
@Suite struct AtomicFileTests {
    @Test func atomicFileReplacesWholeOrNotAtAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("failscan-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("out.txt").path
        try AtomicFile.write(Array("one\n".utf8), to: path)
        try AtomicFile.write(Array("two\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
        #expect(throws: WriteError.self) { try AtomicFile.write([1], to: "/nonexistent-dir/x") }
    }
}
