import LogSource
import Matcher
import Synchronization

/// What a scan does: which filter, how dates are read, how much parallelism.
package struct ScanOptions: Sendable {
    /// Matching threads. With more than one, files are also read (and inflated) on
    /// threads of their own, up to one per file and at most this many.
    package var threads: Int
    /// Bytes per chunk; also the longest line kept whole.
    package var chunkSize: Int = 1 << 20
    /// Count line numbers and keep `<F-USER>` captures (slower; for `failscan regex`).
    package var detailed: Bool = false
    /// The gzip inflater.
    package var inflate: InflateEngine = .isal
    /// What "now" is for dates without a year.
    package var yearAnchor: YearAnchor = .fixedNow
    /// Count a file's last line when it has no `\n` (an archive known to be complete);
    /// by default it is left out and reported, as fail2ban waits for a line's end.
    package var countsUnterminatedLine = false

    package init(threads: Int = 1, chunkSize: Int = 1 << 20, detailed: Bool = false, inflate: InflateEngine = .isal) {
        self.threads = threads
        self.chunkSize = chunkSize
        self.detailed = detailed
        self.inflate = inflate
    }
}

/// How the year of a date without one is chosen.
package enum YearAnchor: Sendable {
    /// fail2ban's rule with the detector's "now" (`--now`, or the current time).
    case fixedNow
    /// fail2ban's rule with each file's modification time as "now": an archive read
    /// months later still puts Nov and Dec lines before Jan ones, in the right years.
    case fileModificationTime
}
