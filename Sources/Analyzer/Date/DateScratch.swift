import Matcher

/// What one worker needs to detect dates: match data for the date templates and its own
/// local-time cache. Each worker owns one; it is never shared, so no lock is taken per
/// line.
package final class DateScratch {
    let pcre: PCRE2Scratch
    let civil = CivilTime()

    init(captureCount: Int) { pcre = PCRE2Scratch(captureCount: captureCount) }
}
