import Foundation
import LogSource
import Matcher
import Synchronization

/// One worker's runners: every filter that matches chunk by chunk (all but the lanes'),
/// each with its own scratch. The one place where a chunk meets the filters.
struct ChunkMatching {
    let filters: [ScanFilter]
    let runners: [FilterRunner?]

    init(_ filters: [ScanFilter], detailed: Bool) {
        self.filters = filters
        runners = filters.map {
            $0.needsLane ? nil : FilterRunner(matcher: $0.matcher, detector: $0.detector, detailed: detailed, logins: $0.gathersLogins)
        }
    }

    /// The chunk's matches for every filter that reads `file` and runs here.
    func match(_ bytes: UnsafeBufferPointer<UInt8>, file: Int, detectors: [DateDetector]) -> [(Int, ChunkMatches)] {
        var matches: [(Int, ChunkMatches)] = []
        for (f, filter) in filters.enumerated() where filter.reads(file) {
            if let runner = runners[f] { matches.append((f, runner.scan(bytes, file: file, detector: detectors[f]))) }
        }
        return matches
    }
}
