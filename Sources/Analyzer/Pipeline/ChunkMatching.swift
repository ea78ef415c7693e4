import LogSource
import Matcher
import Synchronization

/// One worker's runners: every filter that matches chunk by chunk (all but the lanes'),
/// each with its own scratch. The one place where a chunk meets the filters.
struct ChunkMatching {
    let filters: [ScanFilter]
    let runners: [FilterRunner?]
    let joints: JointPrefilters

    init(_ filters: [ScanFilter], detailed: Bool, joints: JointPrefilters) {
        self.filters = filters
        runners = filters.map {
            $0.needsLane ? nil : FilterRunner(matcher: $0.matcher, detector: $0.detector, detailed: detailed, logins: $0.gathersLogins)
        }
        self.joints = joints
    }

    /// The chunk's matches for every filter that reads `file` and runs here.
    func match(_ bytes: UnsafeBufferPointer<UInt8>, file: Int, detectors: [DateDetector]) -> [(Int, ChunkMatches)] {
        var matches: [(Int, ChunkMatches)] = []
        if let (members, joint) = joints.forFile[file] {
            let lines = joint.candidateLines(in: bytes)
            for (k, f) in members.enumerated() {
                matches.append((f, runners[f]!.scan(bytes, file: file, detector: detectors[f], candidates: lines[k])))
            }
            return matches
        }
        for (f, filter) in filters.enumerated() where filter.reads(file) {
            if let runner = runners[f] { matches.append((f, runner.scan(bytes, file: file, detector: detectors[f]))) }
        }
        return matches
    }
}

/// Per file read by several filters that match chunk by chunk, all with a prefilter:
/// one pass over each chunk finds the candidate lines of them all (``JointPrefilter``).
struct JointPrefilters: Sendable {
    /// Per file: the filters (in scan order) and their joint prefilter.
    let forFile: [Int: ([Int], JointPrefilter)]

    init(_ filters: [ScanFilter], files: Int) {
        var joints: [[Int]: JointPrefilter?] = [:]
        var forFile: [Int: ([Int], JointPrefilter)] = [:]
        for file in 0..<files {
            let members = filters.indices.filter { filters[$0].reads(file) }
            guard members.count >= 2, members.allSatisfy({ !filters[$0].needsLane }) else { continue }
            if joints[members] == nil {
                let prefilters = members.compactMap { filters[$0].matcher.prefilter }
                joints[members] = .some(prefilters.count == members.count ? JointPrefilter(prefilters) : nil)
            }
            if let joint = joints[members]! { forFile[file] = (members, joint) }
        }
        self.forFile = forFile
    }
}
