import LogSource
import Matcher
import Synchronization

/// One filter of a scan and the files it reads (a jail).
package struct ScanFilter: Sendable {
    package let matcher: FilterMatcher
    package let detector: DateDetector
    /// The filter's `maxlines`.
    package let maxLines: Int
    /// Indices into the scan's paths of the files this filter reads; nil for all.
    package let files: Set<Int>?
    /// The filter's matches are successful logins (`failscan tune`'s success regexes): they
    /// are gathered with their users into ``ScanSummary/logins``, and none reaches the
    /// consumer as a failure. For a one-line filter.
    package var gathersLogins = false

    package init(matcher: FilterMatcher, detector: DateDetector, maxLines: Int = 1, files: Set<Int>? = nil) {
        self.matcher = matcher
        self.detector = detector
        self.maxLines = maxLines
        self.files = files
    }

    /// `maxlines` > 1: every line counts, in order, so the filter runs on a lane of its
    /// own. Filters with `<F-MLFID>` and one line are matched in parallel like the others
    /// and merged in order by their assembler.
    var needsLane: Bool { maxLines > 1 }
    func reads(_ file: Int) -> Bool { files?.contains(file) ?? true }
}
