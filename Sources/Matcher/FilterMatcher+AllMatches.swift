/// Every regex of a filter on one line, as fail2ban-regex runs them (`checkAllRegex`).
package struct LineMatches {
    /// The ignoreregexes (0-based) that matched the whole line when fail2ban checks them
    /// first (fewer ignoreregexes than failregexes minus 2); when any did, nothing else ran.
    package var ignoredFirst: [Int] = []
    /// nil: the filter has no prefregex (or it did not run); else whether it matched.
    package var prefregexMatched: Bool? = nil
    /// Every failregex that matched, in order, with the prefregex's groups merged in.
    package var matches: [FilterMatcher.DetailedMatch] = []
    /// Per match, the lines its `<SKIPLINES>` took (fail2ban's `getSkippedLines`): they
    /// stay in a multi-line buffer.
    package var skippedLines: [[[UInt8]]] = []
    /// The ignoreregexes (0-based) that match the text the failregexes saw (looked at only
    /// when a failregex matched): fail2ban checks them after each failregex match.
    package var ignoredAfter: [Int] = []
}

extension FilterMatcher {
    /// Runs the ignoreregexes, the prefregex and every failregex on `subject` (a line
    /// without its date, then `\n`) and reports each that matched: fail2ban-regex's view
    /// (`checkAllRegex`), where the server stops at the first failregex. The prefilter and
    /// the first-byte gates skip failregexes that cannot match (they never drop a match).
    /// - Parameter failregexes: false for a line the prefilter ruled out (no failregex can
    ///   match it): only the ignoreregexes fail2ban checks first and the prefregex run.
    /// - Throws: `PCRE2Error` when a resource limit gives up on this line.
    package func matchAll(subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch, failregexes tryFailregexes: Bool = true)
        throws(PCRE2Error) -> LineMatches
    {
        if UnicodeText.needsUnicode(subject), let text = unicodeText {
            let (line, replaced) = scratch.unicodeLine(subject)
            var found = try text.matcher.matchAll(subject: line, scratch: scratch, failregexes: tryFailregexes)
            if replaced {
                found.matches = found.matches.map { DetailedMatch(failregexIndex: $0.failregexIndex, fields: $0.fields, range: nil) }
            }
            return found
        }
        var result = LineMatches()
        guard let base = subject.baseAddress else { return result }
        let pcre = scratch.pcre
        if ignoresFirst {
            for (k, ignore) in ignoreHandles.enumerated() where try search(ignore, ignoreSlot + k, base, subject.count, scratch) {
                result.ignoredFirst.append(k)
            }
            if !result.ignoredFirst.isEmpty { return result }
        }
        let prefregexResult = try prefregexContent(subject, base, scratch)
        if prefHandle != nil { result.prefregexMatched = prefregexResult != nil }
        guard let (current, replaced) = prefregexResult, tryFailregexes else { return result }
        let currentBase = current.baseAddress!
        let word = PrefixGates.firstWord(currentBase, count: current.count)
        var admitted = gates.admitted(word: word)
        while let index = admitted.next() {
            guard gates.admits(index, word: word), gates.literalsAdmit(index, current),
                try search(failHandles[index], index + 1, currentBase, current.count, scratch)
            else { continue }
            let range = pcre.range(ofGroup: 0)
            let fields = detailedFields(failregex: index, subject, current, scratch)
            result.matches.append(DetailedMatch(failregexIndex: index, fields: fields, range: replaced ? nil : range))
            var skipped: [UInt8] = []
            for group in failregexes[index].skipLineGroups {
                if let range = pcre.range(ofGroup: group) { skipped += current[range] }
            }
            result.skippedLines.append(
                skipped.split(separator: 10, omittingEmptySubsequences: false).dropLast(skipped.last == 10 ? 1 : 0).map(Array.init))
        }
        if !result.matches.isEmpty {
            for (k, ignore) in ignoreHandles.enumerated()
            where try search(ignore, ignoreSlot + k, currentBase, current.count, scratch) {
                result.ignoredAfter.append(k)
            }
        }
        return result
    }
}
