/// Every regex of a filter on one line, as fail2ban-regex runs them (`checkAllRegex`). What
/// matched is in the ``MatchList`` the line was matched into: this names it by position (a
/// plain value, copied and dropped without reference counting).
package struct LineMatches {
    /// The ignoreregexes (0-based) that matched the whole line when fail2ban checks them
    /// first (fewer ignoreregexes than failregexes minus 2); when any did, nothing else ran:
    /// these indices of the list's ``MatchList/ignored``.
    package var ignoredFirst: Range<Int> = 0..<0
    /// nil: the filter has no prefregex (or it did not run); else whether it matched.
    package var prefregexMatched: Bool? = nil
    /// Every failregex that matched, in order, with the prefregex's groups merged in: these
    /// indices of the list's ``MatchList/matches``.
    package var matches: Range<Int> = 0..<0
    /// The ignoreregexes (0-based) that match the text the failregexes saw (looked at only
    /// when a failregex matched): fail2ban checks them after each failregex match. These
    /// indices of the list's ``MatchList/ignored``.
    package var ignoredAfter: Range<Int> = 0..<0

    package init() {}
}

extension FilterMatcher {
    /// Runs the ignoreregexes, the prefregex and every failregex on `subject` (a line
    /// without its date, then `\n`) and reports each that matched: fail2ban-regex's view
    /// (`checkAllRegex`), where the server stops at the first failregex. The prefilter and
    /// the first-byte gates skip failregexes that cannot match (they never drop a match).
    /// - Parameters:
    ///   - list: where the failregex matches go (appended; the result names them).
    ///   - failregexes: false for a line the prefilter ruled out (no failregex can match
    ///     it): only the ignoreregexes fail2ban checks first and the prefregex run.
    /// - Throws: `PCRE2Error` when a resource limit gives up on this line.
    package func matchAll(
        subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch, into list: inout MatchList, failregexes tryFailregexes: Bool = true
    ) throws(PCRE2Error) -> LineMatches {
        // SAFETY: `unicodeText` holds the referent as long as any copy of `self` exists
        // (``UnicodeTextVariant/reference``). Read through its strong reference, the
        // variant's whole matcher was copied (two dozen references retained and released)
        // for each such line.
        if UnicodeText.needsUnicode(subject), let text = unicodeText?.reference {
            let (line, replaced) = scratch.unicodeLine(subject)
            let first = list.matches.count
            let result = text._withUnsafeGuaranteedRef { text in
                Result { () throws(PCRE2Error) in try text.matchAll(line, scratch, &list, tryFailregexes) }
            }
            let found = try result.get()
            if replaced { list.dropRanges(from: first) }
            return found
        }
        var result = LineMatches()
        guard let base = subject.baseAddress else { return result }
        let pcre = scratch.pcre
        if ignoresFirst {
            let first = list.ignored.count
            for (k, ignore) in ignoreHandles.enumerated() where try search(ignore, ignoreSlot + k, base, subject.count, scratch) {
                list.appendIgnored(k)
            }
            result.ignoredFirst = first..<list.ignored.count
            if !result.ignoredFirst.isEmpty { return result }
        }
        let prefregexResult = try prefregexContent(subject, base, scratch)
        if prefHandle != nil { result.prefregexMatched = prefregexResult != nil }
        guard let (current, replaced) = prefregexResult, tryFailregexes else { return result }
        let currentBase = current.baseAddress!
        let lead = PrefixGates.lead(currentBase, count: current.count)
        let first = list.matches.count
        // The gates' loop, as in `matchFields` and `match`: shared through a closure it
        // copied the whole matcher per line (+16% of a scan's instructions on sshd), through
        // an iterator that was not inlined +0.3% (scan) to +0.6% (this report) (callgrind).
        var admitted = gates.admitted(lead: lead)
        while let index = admitted.next() {
            guard gates.admits(index, lead: lead), gates.literalsAdmit(index, current),
                try search(failHandles[index], index + 1, currentBase, current.count, scratch)
            else { continue }
            let range = pcre.range(ofGroup: 0)
            var skipped: [UInt8] = []
            for group in failregexes[index].skipLineGroups {
                if let range = pcre.range(ofGroup: group) { skipped += current[range] }
            }
            loadFields(failregex: index, subject, current, scratch)
            list.append(
                index, fields: scratch.fields, range: replaced ? nil : range,
                skipped: skipped.isEmpty
                    ? []
                    : skipped.split(separator: 10, omittingEmptySubsequences: false).dropLast(skipped.last == 10 ? 1 : 0).map(Array.init))
        }
        result.matches = first..<list.matches.count
        if !result.matches.isEmpty {
            let firstIgnored = list.ignored.count
            for (k, ignore) in ignoreHandles.enumerated()
            where try search(ignore, ignoreSlot + k, currentBase, current.count, scratch) {
                list.appendIgnored(k)
            }
            result.ignoredAfter = firstIgnored..<list.ignored.count
        }
        return result
    }
}
