import Foundation
import LogSource
import TestSupport
import Testing

/// Issue 24: journal files cut into streams read in parallel, delivered one after the
/// other, must give the entries in the order one sd-journal over all the files gives them
/// (fail2ban's reader), whatever the layout.
@Suite struct JournalStreamsTests {
    /// The lines of `streams` read one after the other, and of one reader over all `files`.
    static func lines(_ streams: [JournalSelection], _ files: [String]) throws -> (streamed: [[UInt8]], single: [[UInt8]]) {
        var streamed: [[UInt8]] = []
        for stream in streams {
            let entries = try JournalEntries(files: stream.files)
            while let entry = try entries.next() { streamed.append(entry.line + Array(" \(entry.microseconds)".utf8)) }
        }
        var single: [[UInt8]] = []
        let entries = try JournalEntries(files: files)
        while let entry = try entries.next() { single.append(entry.line + Array(" \(entry.microseconds)".utf8)) }
        return (streamed, single)
    }

    /// Archived files of one boot, one after the other (given in any order): a stream each.
    @Test func rotatedFilesAreStreamsOfTheirOwn() throws {
        let dir = try TestSupport.temporaryDirectory()
        let files = [
            try TestSupport.journal(entries: 400, seed: 41, start: 1_793_001_000, named: "system@b.journal", in: dir),
            try TestSupport.journal(entries: 400, seed: 42, start: 1_793_000_000, named: "system@a.journal", in: dir),
            try TestSupport.journal(entries: 300, seed: 43, start: 1_793_002_000, named: "system.journal", in: dir),
        ]
        let streams = JournalFiles.streams(files, matches: [])
        #expect(streams.map(\.files) == [[files[1]], [files[0]], [files[2]]])
        let (streamed, single) = try Self.lines(streams, files)
        #expect(streamed.count == 1100)
        #expect(streamed == single)
    }

    /// Files whose entries interleave (two hosts' journals of the same hours): one stream,
    /// sd-journal merging them; a third file after both: a stream of its own.
    @Test func interleavedFilesAreOneStream() throws {
        let dir = try TestSupport.temporaryDirectory()
        let files = [
            try TestSupport.journal(entries: 400, seed: 44, start: 1_793_000_000, named: "a.journal", in: dir),
            try TestSupport.journal(entries: 400, seed: 45, start: 1_793_000_100, step: 1.3, named: "b.journal", in: dir),
            try TestSupport.journal(entries: 200, seed: 46, start: 1_793_005_000, named: "c.journal", in: dir),
        ]
        let streams = JournalFiles.streams(files, matches: [["_COMM=sshd"]])
        #expect(streams.map(\.files) == [[files[0], files[1]], [files[2]]])
        let (streamed, single) = try Self.lines(streams, files)
        #expect(streamed.count == 1000)
        #expect(streamed == single)
    }
}
