#if canImport(Glibc)
    import Glibc
#endif

/// A fail2ban filter compiled for PCRE2: prefregex, failregexes, ignoreregexes and the
/// literal prefilter derived from them.
///
/// Corresponds to fail2ban's `server/filter.py` `Filter.findFailure`, for single-line
/// filters, with the server's `checkAllRegex = False`: the first failregex that matches
/// (and is not ignored) makes the failure.
public struct FilterMatcher: LineMatcher {
    /// The per-worker state ``makeScratch()`` makes.
    public typealias Scratch = FilterScratch

    let prefregex: CompiledFilterRegex?
    let failregexes: [CompiledFilterRegex]
    let ignoreregexes: [PCRE2Regex]
    // The per-line loops go through handles: no reference counting per regex and line.
    let prefHandle: PCRE2Handle?
    /// The prefregex for single lines (``CompiledFilterRegex/lineRegex``), nil when the
    /// filter's subjects are multi-line buffers or the pattern does not end as it needs.
    let prefLineHandle: PCRE2Handle?
    let failHandles: [PCRE2Handle]
    let ignoreHandles: [PCRE2Handle]
    /// The first bytes each failregex needs; a failregex whose start does not fit is skipped.
    let gates: PrefixGates
    /// (slot, group number) of every regex's named groups, flat: the prefregex's at
    /// `slotRanges[0]`, failregex i's at `slotRanges[i + 1]` (no per-line copy of a regex
    /// description and its arrays).
    let slotTable: [(slot: Int, group: Int)]
    let slotRanges: [Range<Int>]
    /// Whether an `<F-ALT_USER…>` group may fill `user`.
    let userHasAlternates: Bool
    /// The id groups (ip4, ip6, dns, host, fid) of the prefregex and of each failregex,
    /// and the prefregex's `content` group.
    let prefIDGroups: [(FailureIDKind, Int)]
    /// Failregex i's id groups are `failIDTable[failIDRanges[i]]`: one flat table, so that
    /// a match reads them without retaining an inner array shared by every worker (its
    /// reference count's cache line bounced between cores: 4% of a tune over mail logs).
    let failIDTable: [(FailureIDKind, Int)]
    let failIDRanges: [Range<Int>]
    let prefContentGroup: Int?
    let maxCaptureCount: Int
    /// The literal prefilter, or nil when it is off or no literal could be proven.
    public let prefilter: Prefilter?
    /// Why there is no prefilter, when there is none.
    public let prefilterNote: String?
    /// Notes from translation (legacy host groups and the like), each once.
    public let notes: [String]
    /// Whether the filter has a prefregex (one that is not blank).
    public var hasPrefregex: Bool { prefregex != nil }
    /// The translated PCRE2 patterns: prefregex (if any) first, then failregexes.
    public let translatedPatterns: [String]
    /// Whether a regex has `<F-MLFID>`: failures then depend on earlier lines.
    public let usesMultiLineIDs: Bool
    /// The named groups of prefregex and failregexes, numbered.
    public let fieldLayout: FieldLayout
    /// The same filter for lines fail2ban sees as Unicode text (bytes at or above 0x80, or
    /// 0x1C-0x1F): Python's `\s`, `\w`, `.` and case there, invalid UTF-8 replaced by
    /// U+FFFD as fail2ban decodes it (``UnicodeText``). nil in the variant itself.
    let unicodeText: UnicodeTextVariant?
    /// When set, every worker's scratch counts and times each regex (`regex --costs`).
    package var profiler: RegexProfiler?

    /// Compiles `patterns`.
    /// - Parameter usePrefilter: derive and use a literal prefilter and the failregexes'
    ///   first-byte gates (`--no-prefilter` clears both).
    /// - Throws: `PatternError` naming the regex that fails.
    public init(
        _ patterns: FilterPatterns, options: PCRE2Regex.Options = .init(),
        usePrefilter: Bool = true, multiline: Bool = false, dateCut: DateCut = .lineStart
    ) throws(PatternError) {
        try self.init(patterns, options: options, usePrefilter: usePrefilter, multiline: multiline, dateCut: dateCut, unicodeVariant: true)
    }

    /// - Parameter unicodeVariant: also compile the Unicode-text variant (not for the
    ///   variant itself, whose options have `utf`).
    init(
        _ patterns: FilterPatterns, options: PCRE2Regex.Options, usePrefilter: Bool, multiline: Bool, dateCut: DateCut,
        unicodeVariant: Bool, gates outerGates: PrefixGates? = nil
    ) throws(PatternError) {
        let dialect = Fail2banDialect(useDNS: patterns.useDNS)
        var notes: [String] = []
        var pref: CompiledFilterRegex? = nil
        if let source = patterns.prefregex, !source.allSatisfy(\.isWhitespace) {
            pref = try CompiledFilterRegex(
                source, role: "prefregex", dialect: dialect, options: options, lines: !multiline, notes: &notes)
        }
        var fails: [CompiledFilterRegex] = []
        var failOptions = options
        failOptions.multiline = multiline // fail2ban compiles failregexes with re.MULTILINE when maxlines > 1
        for (index, source) in patterns.failregex.enumerated() {
            let compiled = try CompiledFilterRegex(
                source, role: "failregex \(index + 1)", dialect: dialect, options: failOptions, notes: &notes)
            if !compiled.hasFailureID && !(pref?.hasFailureID ?? false) { throw .noFailureID(source) }
            fails.append(compiled)
        }
        var ignores: [PCRE2Regex] = []
        for (index, source) in patterns.ignoreregex.enumerated() {
            let translation = try dialect.translate(source)
            let pattern = options.utf ? dialect.unicodeTextVariant(translation.pattern) : translation.pattern
            do { ignores.append(try PCRE2Regex(pattern, options: options)) } catch {
                throw .compile(role: "ignoreregex \(index + 1)", original: source, translated: pattern, error: error)
            }
        }
        let layout = FieldLayout(names: ([pref].compactMap { $0 } + fails).flatMap { $0.fieldGroups.map(\.name) })
        fieldLayout = layout
        func slotted(_ regex: CompiledFilterRegex) -> CompiledFilterRegex {
            var regex = regex
            regex.fieldSlots = regex.fieldGroups.map { (layout.slot($0.name)!, $0.number) }
            return regex
        }
        pref = pref.map(slotted)
        fails = fails.map(slotted)
        prefregex = pref
        failregexes = fails
        ignoreregexes = ignores
        prefHandle = pref?.regex.handle
        prefLineHandle = pref?.lineRegex?.handle
        failHandles = fails.map(\.regex.handle)
        ignoreHandles = ignores.map(\.handle)
        var table: [(slot: Int, group: Int)] = []
        var ranges: [Range<Int>] = []
        for regex in [pref] + fails.map(Optional.some) {
            let start = table.count
            table += regex?.fieldSlots ?? []
            ranges.append(start..<table.count)
        }
        slotTable = table
        slotRanges = ranges
        userHasAlternates = layout.alternates.contains { $0.target == layout.user }
        prefIDGroups = pref?.idGroups ?? []
        failIDTable = fails.flatMap(\.idGroups)
        failIDRanges = fails.reduce(into: []) { ranges, fail in
            let start = ranges.last?.upperBound ?? 0
            ranges.append(start..<(start + fail.idGroups.count))
        }
        prefContentGroup = pref?.contentGroup
        // One parse per failregex for its literals and its gate (literal extraction is most
        // of a filter's compile time); the Unicode variant takes the outer filter's gates.
        // The gates are off with the prefilter: the tests that compare prefilter on and off
        // check both.
        let analyses = outerGates == nil ? fails.map { LiteralExtraction.analyzeAll($0.regex.pattern) } : []
        var derived: (filter: Prefilter?, note: String?, fromFailregexes: Bool) = (nil, nil, false)
        if unicodeVariant && usePrefilter {
            derived = FilterMatcher.derivePrefilter(pref: pref, fails: fails, required: analyses.map(\.required), dateCut: dateCut)
        }
        // A lone failregex whose literals are the prefilter's needs no literal gate: the
        // prefilter chose its lines for them already (or for a required part of them), and
        // a second search of each line seldom spares PCRE2 a line (tune over mail logs: 1%).
        let gatedByPrefilter = fails.count == 1 && derived.filter != nil && derived.fromFailregexes
        gates =
            outerGates
            ?? PrefixGates(
                prefixes: analyses.map { multiline || !usePrefilter ? nil : $0.prefixes },
                required: analyses.map { multiline || !usePrefilter ? nil : Self.gateSets($0, gatedByPrefilter: gatedByPrefilter) })
        maxCaptureCount = ([pref?.regex.captureCount ?? 0] + fails.map(\.regex.captureCount) + ignores.map(\.captureCount)).max() ?? 0
        var seen: Set<String> = []
        self.notes = notes.filter { seen.insert($0).inserted }
        translatedPatterns = (pref.map { [$0.regex.pattern] } ?? []) + fails.map(\.regex.pattern)
        usesMultiLineIDs = ([pref].compactMap { $0 } + fails).contains { $0.regex.groupNumbers["mlfid"] != nil }
        // The variant is JIT-compiled like the filter (`options.jit`), when a line first
        // needs it (``UnicodeTextVariant``): PCRE2's interpreter made a line of non-ASCII
        // text cost 1.2 µs instead of 0.7 (nginx logs with non-ASCII user names: 2.4% of the
        // lines, 10% of the time).
        var textOptions = options
        textOptions.utf = true
        // A pattern PCRE2 takes in byte mode but not as UTF-8 keeps its byte meaning.
        let gates = gates
        unicodeText =
            unicodeVariant
            ? UnicodeTextVariant {
                (try? FilterMatcher(
                    patterns, options: textOptions, usePrefilter: usePrefilter, multiline: multiline, dateCut: dateCut,
                    unicodeVariant: false, gates: gates))
                    .map(UnicodeTextMatcher.init)
            } : nil
        if !unicodeVariant {
            // The variant runs on lines the outer filter's prefilter already chose.
            prefilter = nil
            prefilterNote = nil
        } else if usePrefilter {
            prefilter = derived.filter
            prefilterNote = derived.note
        } else {
            prefilter = nil
            prefilterNote =
                multiline ? "maxlines > 1: a buffer of lines is matched as one text, so every line counts" : "prefilter turned off"
        }
    }

    /// A line fails only if the prefregex and one failregex match it, so either the union
    /// of the failregexes' required literals or the prefregex's required literals select
    /// every failing line. Of the two, the set whose weakest literal is rarer in log text
    /// is taken (postfix: the failregexes' union holds `from `, on nearly every smtpd line;
    /// the prefregex's `reject:` and `too many errors after ` select the failing ones).
    static func derivePrefilter(
        pref: CompiledFilterRegex?, fails: [CompiledFilterRegex], required: [LiteralExtraction.Result], dateCut: DateCut
    ) -> (filter: Prefilter?, note: String?, fromFailregexes: Bool) {
        if dateCut == .unbounded { return (nil, "a datepattern without boundaries may cut a date out of any literal", false) }
        var union: [[UInt8]]? = []
        var reason: String? = nil
        for (fail, result) in zip(fails, required) {
            switch result {
            case .required(let set): for s in set where !union!.contains(s) { union!.append(s) }
            case .declined(let why):
                reason = "failregex \(fail.original): \(why)"
                union = nil
            }
            if union == nil { break }
        }
        var candidates: [[[UInt8]]] = []
        if let union, !union.isEmpty, union.count <= 64 { candidates.append(union) }
        if let pref, case .required(let set) = LiteralExtraction.requiredLiterals(of: pref.regex.pattern) { candidates.append(set) }
        let best = candidates.max { LiteralExtraction.rarity(of: $0) < LiteralExtraction.rarity(of: $1) }
        if let best, let filter = Prefilter(literals: best, dateCut: dateCut) { return (filter, nil, best == union) }
        return (nil, reason ?? "no required literal of at least \(LiteralExtraction.minimumLength) bytes", false)
    }

    /// The literal sets that gate a failregex without a known start: its most selective
    /// required set (unless the prefilter chose the lines for it already), then the two
    /// most selective of the other sets its top level requires (recidive's `Ban` after
    /// the prefilter's `NOTICE`), each of at least ``LiteralExtraction/minimumLength``
    /// bytes; nil when none.
    static func gateSets(
        _ analysis: (required: LiteralExtraction.Result, prefixes: [[UInt8]]?, inOrder: [[[UInt8]]]), gatedByPrefilter: Bool
    ) -> [[[UInt8]]]? {
        let best = analysis.required.literals
        let key = { (set: [[UInt8]]) in set.sorted { $0.lexicographicallyPrecedes($1) } }
        let others = analysis.inOrder
            .filter { set in set.allSatisfy { $0.count >= LiteralExtraction.minimumLength } && best.map { key(set) != key($0) } ?? true }
            .sorted { LiteralExtraction.rarity(of: $0) > LiteralExtraction.rarity(of: $1) }
        let sets = (gatedByPrefilter ? [] : best.map { [$0] } ?? []) + others.prefix(2)
        return sets.isEmpty ? nil : sets
    }

    /// The first bytes failregex `index` needs (each cut to 16 bytes), or nil when it is
    /// tried on every line that reaches the failregexes.
    public func failregexStarts(_ index: Int) -> [[UInt8]]? {
        let starts = gates.prefixes(index)
        return starts.isEmpty ? nil : starts
    }

    /// The literal sets failregex `index` needs one literal of each of in its subject, when
    /// it has no known start but such literals (it is skipped on subjects without them).
    public func failregexLiterals(_ index: Int) -> [[[UInt8]]]? {
        let literals = gates.requiredLiterals(index)
        return literals.isEmpty ? nil : literals
    }

    /// The slot of the first ignoreregex in a ``RegexProfile`` (0: prefregex, then the
    /// failregexes).
    var ignoreSlot: Int { failHandles.count + 1 }

    /// Slots a ``RegexProfiler`` for this filter needs.
    public var profileSlots: Int { failHandles.count + ignoreHandles.count + 1 }

    /// One PCRE2 search, counted and timed when the scratch carries a profile.
    @inline(__always)
    func search(
        _ handle: PCRE2Handle, _ slot: Int, _ base: UnsafePointer<UInt8>, _ count: Int, _ scratch: FilterScratch
    ) throws(PCRE2Error) -> Bool {
        guard let profile = scratch.profile else { return try handle.search(base, length: count, scratch: scratch.pcre) }
        return try profile.measure(slot, subject: UnsafeBufferPointer(start: base, count: count)) { () throws(PCRE2Error) in
            try handle.search(base, length: count, scratch: scratch.pcre)
        }
    }

    /// Runs `body` (one line's matching), timing all of it when the scratch carries a
    /// profile (``RegexProfileTotals/matcherNanoseconds``).
    @inline(__always)
    public func measuringLine<R>(_ scratch: FilterScratch, _ body: () throws(PCRE2Error) -> R) throws(PCRE2Error) -> R {
        guard let profile = scratch.profile else { return try body() }
        return try profile.measureLine(body)
    }

    /// Per-worker match state (PCRE2 match data, JIT stack): one per thread, never shared.
    public func makeScratch() -> FilterScratch {
        let scratch = FilterScratch(captureCount: maxCaptureCount, prefSlots: slotRanges[0].count)
        scratch.profile = profiler?.make()
        return scratch
    }

    /// The next line the prefilter lets through (every line without a prefilter).
    public func candidateLine(in buffer: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Prefilter.Cursor) -> CandidateLine? {
        guard let prefilter else { return from < buffer.count ? .candidate(from) : nil }
        return prefilter.nextHit(in: buffer, from: from, cursor: &cursor).map { .candidate($0) }
    }

    /// fail2ban checks ignoreregex before the failregexes when it has few of them
    /// (fewer than failregexes minus 2), after a failregex matched otherwise.
    var ignoresFirst: Bool { !ignoreregexes.isEmpty && ignoreregexes.count < failregexes.count - 2 }

    /// Whether an ignoreregex matches `text`.
    @inline(__always)
    func ignored(_ base: UnsafePointer<UInt8>, _ count: Int, _ scratch: FilterScratch) throws(PCRE2Error) -> Bool {
        for (k, ignore) in ignoreHandles.enumerated() where try search(ignore, ignoreSlot + k, base, count, scratch) { return true }
        return false
    }

    /// The prefregex's `content` of `subject` (the range of its last match), followed by
    /// `\n` as fail2ban's buffer ends: in place when a newline follows it, else copied.
    @inline(__always)
    static func content(_ content: Range<Int>, of subject: UnsafeBufferPointer<UInt8>, _ scratch: FilterScratch)
        -> UnsafeBufferPointer<UInt8>
    {
        if content.upperBound < subject.count, subject[content.upperBound] == 10 {
            return UnsafeBufferPointer(rebasing: subject[content.lowerBound...content.upperBound])
        }
        return scratch.copyLine(UnsafeBufferPointer(rebasing: subject[content]))
    }

    /// A match with everything fail2ban's stateful paths (multi-line buffers, `<F-MLFID>`
    /// merging) need.
    public struct DetailedMatch {
        /// The failregex that matched, 0-based.
        public let failregexIndex: Int
        /// Named groups of prefregex and failregex, merged (fail2ban's failure dict, with
        /// alternate names applied), by slot of ``FilterMatcher/fieldLayout``.
        public let fields: FieldValues
        /// The match's byte range in `subject`, or nil when the prefregex's content
        /// replaced the subject.
        public let range: Range<Int>?
    }

    /// Runs prefregex, failregexes and ignoreregexes on `subject` (one or more lines,
    /// each ending in `\n`) and reports the first failregex match that is not ignored,
    /// with or without a failure id.
    public func matchDetailed(subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch) throws(PCRE2Error) -> DetailedMatch? {
        guard let found = try matchFields(subject: subject, scratch: scratch) else { return nil }
        // Moved out: the scratch's next match fills a buffer of its own.
        let fields = scratch.fields
        scratch.fields = FieldValues(count: 0)
        return DetailedMatch(failregexIndex: found.failregexIndex, fields: fields, range: found.range)
    }

    /// A match of ``matchFields(subject:scratch:)``: its fields are in the scratch.
    public struct FieldsMatch {
        /// The failregex that matched, 0-based.
        public let failregexIndex: Int
        /// The match's byte range in `subject`, or nil when the prefregex's content
        /// replaced the subject.
        public let range: Range<Int>?
    }

    /// ``matchDetailed(subject:scratch:)`` that leaves the match's fields in
    /// ``FilterScratch/fields`` (until the next match) instead of a buffer of their own:
    /// no allocation per match, for callers that copy the bytes where they keep them.
    public func matchFields(subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch) throws(PCRE2Error) -> FieldsMatch? {
        // SAFETY: `unicodeText` holds the referent as long as any copy of `self` exists
        // (``UnicodeTextVariant/reference``).
        if UnicodeText.needsUnicode(subject), let text = unicodeText?.reference {
            let (line, replaced) = scratch.unicodeLine(subject)
            let result = text._withUnsafeGuaranteedRef { text in
                Result { () throws(PCRE2Error) in try text.matchFields(line, scratch) }
            }
            guard let found = try result.get() else { return nil }
            // Offsets into the repaired line are not the subject's: no range then.
            return replaced ? FieldsMatch(failregexIndex: found.failregexIndex, range: nil) : found
        }
        guard let base = subject.baseAddress else { return nil }
        if ignoresFirst, try ignored(base, subject.count, scratch) { return nil }
        guard let (current, replaced) = try prefregexContent(subject, base, scratch) else { return nil }
        let currentBase = current.baseAddress!
        let lead = PrefixGates.lead(currentBase, count: current.count)
        // Loaded once a line, not once a failregex (nil unless `regex --costs`).
        let profile = scratch.profile
        var admitted = gates.admitted(lead: lead)
        while let index = admitted.next() {
            profile?.enter(index + 1)
            guard gates.admits(index, lead: lead), gates.literalsAdmit(index, current) else { continue }
            guard try search(failHandles[index], index + 1, currentBase, current.count, scratch) else { continue }
            let range = scratch.pcre.range(ofGroup: 0)
            loadFields(failregex: index, subject, current, scratch)
            if !ignoreregexes.isEmpty, try ignored(currentBase, current.count, scratch) { return nil }
            return FieldsMatch(failregexIndex: index, range: replaced ? nil : range)
        }
        return nil
    }

    /// Runs the prefregex, when the filter has one, on `subject` (its groups kept in the
    /// scratch until a failregex matches: most lines end before).
    /// - Returns: the text the failregexes see (the prefregex's content, or the subject)
    ///   and whether the content replaced the subject; nil when the prefregex did not match.
    @inline(__always)
    func prefregexContent(_ subject: UnsafeBufferPointer<UInt8>, _ base: UnsafePointer<UInt8>, _ scratch: FilterScratch)
        throws(PCRE2Error) -> (text: UnsafeBufferPointer<UInt8>, replaced: Bool)?
    {
        guard let prefHandle else { return (subject, false) }
        guard let content = try searchPrefregex(prefHandle, base, subject.count, scratch) else { return nil }
        let pcre = scratch.pcre
        for k in slotRanges[0] { scratch.prefRanges[k] = pcre.range(ofGroup: slotTable[k].group) }
        if !content.isEmpty { return (Self.content(content, of: subject, scratch), true) }
        return (subject, false)
    }

    /// Runs the prefregex on `subject` (`count` bytes at `base`), on a single line through
    /// ``prefLineHandle``.
    /// - Returns: nil when it does not match, else its content's range (empty when the
    ///   content group took no part or the prefregex has none); its other groups stay in
    ///   the scratch's match data.
    @inline(__always)
    func searchPrefregex(_ prefHandle: PCRE2Handle, _ base: UnsafePointer<UInt8>, _ count: Int, _ scratch: FilterScratch)
        throws(PCRE2Error) -> Range<Int>?
    {
        // Where the line form fails, the pattern as written fails too (its `.+` needs the
        // byte the lookahead asks for); where it matches, the two agree unless a `\n` sits
        // inside the content (a caller's multi-line subject): then the pattern as written
        // decides.
        if let lineHandle = prefLineHandle, let group = prefContentGroup {
            guard try search(lineHandle, 0, base, count, scratch) else { return nil }
            let start = scratch.pcre.range(ofGroup: group)!.lowerBound
            let end = CompiledFilterRegex.contentEnd(base, count)
            if memchr(base + start, 10, end - start) == nil { return start..<end }
        }
        guard try search(prefHandle, 0, base, count, scratch) else { return nil }
        guard let group = prefContentGroup, let content = scratch.pcre.range(ofGroup: group) else { return 0..<0 }
        return content
    }

    /// Refills ``FilterScratch/fields`` with the fields of failregex `index`'s last match
    /// in `current`: fail2ban's `fail = preGroups.copy(); fail.update(failregex groups)`,
    /// the prefregex's groups from `subject`, then alternate names applied.
    @inline(__always)
    func loadFields(
        failregex index: Int, _ subject: UnsafeBufferPointer<UInt8>, _ current: UnsafeBufferPointer<UInt8>, _ scratch: FilterScratch
    ) {
        scratch.fields.removeAll(count: fieldLayout.names.count, reservingBytes: subject.count)
        for k in slotRanges[0] {
            if let range = scratch.prefRanges[k] { scratch.fields.set(slotTable[k].slot, UnsafeBufferPointer(rebasing: subject[range])) }
        }
        fill(&scratch.fields, regex: index + 1, current, scratch.pcre)
        fieldLayout.applyAlternates(&scratch.fields)
    }

    /// Sets the slots of `regex`'s named groups (0: prefregex, i + 1: failregex i) from its last match in `subject` (nil: the
    /// group did not take part; fail2ban's `dict.update` with a `groupdict()`).
    @inline(__always)
    func fill(_ values: inout FieldValues, regex: Int, _ subject: UnsafeBufferPointer<UInt8>, _ pcre: PCRE2Scratch) {
        for k in slotRanges[regex] {
            let (slot, group) = slotTable[k]
            if let range = pcre.range(ofGroup: group) {
                values.set(slot, UnsafeBufferPointer(rebasing: subject[range]))
            } else {
                values.clear(slot)
            }
        }
    }

    /// The `user` group of `regex`'s last match in `subject` (nil: absent), as ``fill(_:regex:_:_:)``
    /// would leave its slot.
    @inline(__always)
    func userGroup(of regex: Int, in subject: UnsafeBufferPointer<UInt8>, _ pcre: PCRE2Scratch) -> UnsafeBufferPointer<UInt8>? {
        guard let slot = fieldLayout.user else { return nil }
        var user: UnsafeBufferPointer<UInt8>? = nil
        for k in slotRanges[regex] where slotTable[k].slot == slot {
            user = pcre.range(ofGroup: slotTable[k].group).map { UnsafeBufferPointer(rebasing: subject[$0]) }
        }
        return user
    }

    /// Runs the filter on one line whose date has been cut out, exactly as fail2ban
    /// builds its buffer: `subject` is the line without date and without `\r\n`,
    /// followed by one `\n` (fail2ban's `_tupleLinesBuf`).
    ///
    /// - Returns: the failure, or nil when no failregex matches or an ignoreregex does.
    /// - Throws: `PCRE2Error` when a resource limit gives up on this line.
    public func match(subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch, fields request: FieldRequest = .none)
        throws(PCRE2Error) -> FailureCapture?
    {
        // SAFETY: `unicodeText` holds the referent as long as any copy of `self` exists
        // (``UnicodeTextVariant/reference``).
        if UnicodeText.needsUnicode(subject), let text = unicodeText?.reference {
            let line = scratch.unicodeLine(subject).line
            let result = text._withUnsafeGuaranteedRef { text in
                Result { () throws(PCRE2Error) in try text.match(line, scratch, request) }
            }
            return try result.get()
        }
        guard let base = subject.baseAddress else { return nil }
        let pcre = scratch.pcre
        if ignoresFirst, try ignored(base, subject.count, scratch) { return nil }
        // The user alone is read from PCRE2's offsets unless a prefregex's groups or an
        // `<F-ALT_USER…>` take part in it: then from every field, as fail2ban merges them.
        let userOnly = request == .user && prefHandle == nil && !userHasAlternates
        let withFields = request == .all || (request == .user && !userOnly)
        var current = subject
        var prefID: (FailureIDKind, Range<Int>?)? = nil
        var prefFields = withFields ? fieldLayout.empty : FieldValues(count: 0)
        if let prefHandle {
            guard let content = try searchPrefregex(prefHandle, base, subject.count, scratch) else { return nil }
            for (kind, group) in prefIDGroups {
                if let range = pcre.range(ofGroup: group) {
                    prefID = (kind, range)
                    break
                }
            }
            if withFields { fill(&prefFields, regex: 0, subject, pcre) }
            if !content.isEmpty { current = Self.content(content, of: subject, scratch) }
        }
        let currentBase = current.baseAddress!
        let lead = PrefixGates.lead(currentBase, count: current.count)
        // Loaded once a line, not once a failregex (nil unless `regex --costs`).
        let profile = scratch.profile
        var admitted = gates.admitted(lead: lead)
        while let index = admitted.next() {
            profile?.enter(index + 1)
            guard gates.admits(index, lead: lead), gates.literalsAdmit(index, current) else { continue }
            guard try search(failHandles[index], index + 1, currentBase, current.count, scratch) else { continue }
            let idGroups = failIDRanges[index]
            var id: (FailureIDKind, UnsafeBufferPointer<UInt8>)? = nil
            for k in idGroups {
                let (kind, group) = failIDTable[k]
                if let range = pcre.range(ofGroup: group) {
                    id = (kind, UnsafeBufferPointer(rebasing: current[range]))
                    break
                }
            }
            var fields: FieldValues? = nil
            if withFields {
                // fail2ban: fail = preGroups.copy(); fail.update(failregex groups), then
                // alternate names fill their target when it is empty.
                var merged = prefFields
                fill(&merged, regex: index + 1, current, pcre)
                fieldLayout.applyAlternates(&merged)
                fields = merged
            }
            // A loop, not `contains(where:)`: a closure reading `failIDTable` captured the
            // whole matcher, copied with a retain of each of its arrays for every line that
            // takes its id from the prefregex (apache-auth at 60% speed).
            if id == nil, let (kind, range) = prefID, let range {
                var failregexHasKind = false
                for k in idGroups where failIDTable[k].0 == kind { failregexHasKind = true }
                if !failregexHasKind { id = (kind, UnsafeBufferPointer(rebasing: subject[range])) }
            }
            if !ignoreregexes.isEmpty, try ignored(currentBase, current.count, scratch) { return nil }
            guard let (kind, idBytes) = id else { continue }
            let user = userOnly ? userGroup(of: index + 1, in: current, pcre) : nil
            return FailureCapture(failregexIndex: index, id: idBytes, idKind: kind, values: fields, user: user)
        }
        return nil
    }
}

/// What a filter does with one subject, step by step (`failscan regex --explain`).
public struct FilterExplanation: Sendable {
    /// nil: no prefregex; else whether it matched and its named groups.
    public var prefregex: (matched: Bool, groups: [String: String])?
    /// The text the failregexes saw (the prefregex's content, or the subject).
    public var content: String
    /// Per failregex: its named groups when it matched, else how many bytes of the
    /// content it got through.
    public var failregexes: [(matched: [String: String]?, reached: Int)]
    /// The ignoreregexes that matched (1-based).
    public var ignoredBy: [Int]
}

extension FilterMatcher {
    /// Runs every regex of the filter on `subject` (a line without its date, then `\n`) and
    /// says what each did; a failregex that does not match says how far it got.
    public func explain(subject: UnsafeBufferPointer<UInt8>, scratch: FilterScratch) -> FilterExplanation {
        // The line goes where matching sends it: plain ASCII here, anything else to the
        // Unicode-text variant, as fail2ban decodes it.
        if UnicodeText.needsUnicode(subject), let text = unicodeText?.matcher {
            return text.matcher.explain(subject: scratch.unicodeLine(subject).line, scratch: scratch)
        }
        let pcre = scratch.pcre
        func groups(_ regex: CompiledFilterRegex, _ text: UnsafeBufferPointer<UInt8>) -> [String: String] {
            var out: [String: String] = [:]
            for (name, group) in regex.fieldGroups {
                if let range = pcre.range(ofGroup: group) { out[name] = String(decoding: text[range], as: UTF8.self) }
            }
            return out
        }
        var current = Array(subject)
        var prefResult: (Bool, [String: String])? = nil
        if let prefregex {
            let matched =
                subject.baseAddress.map { (try? prefregex.regex.search($0, length: subject.count, scratch: pcre)) ?? false } ?? false
            prefResult = (matched, matched ? groups(prefregex, subject) : [:])
            if matched, let group = prefregex.contentGroup, let content = pcre.range(ofGroup: group), !content.isEmpty {
                current = Array(subject[content]) + [10]
            }
        }
        var fails: [([String: String]?, Int)] = []
        var ignored: [Int] = []
        current.withUnsafeBufferPointer { text in
            for regex in failregexes {
                if prefResult?.0 == false {
                    fails.append((nil, 0))
                } else if (try? regex.regex.search(text.baseAddress!, length: text.count, scratch: pcre)) == true {
                    fails.append((groups(regex, text), text.count))
                } else {
                    fails.append((nil, regex.regex.matchedPrefixLength(text, scratch: pcre)))
                }
            }
            for (index, ignore) in ignoreregexes.enumerated()
            where (try? ignore.search(text.baseAddress!, length: text.count, scratch: pcre)) == true {
                ignored.append(index + 1)
            }
        }
        return FilterExplanation(
            prefregex: prefResult, content: String(decoding: current.dropLast(), as: UTF8.self), failregexes: fails, ignoredBy: ignored)
    }
}

/// The Unicode-text variant of a filter, boxed (a filter holds its variant). Its methods
/// call the stored matcher in place (no copy of the matcher per line).
final class UnicodeTextMatcher: Sendable {
    let matcher: FilterMatcher
    init(_ matcher: FilterMatcher) { self.matcher = matcher }

    func match(_ line: UnsafeBufferPointer<UInt8>, _ scratch: FilterScratch, _ request: FieldRequest) throws(PCRE2Error) -> FailureCapture?
    {
        try matcher.match(subject: line, scratch: scratch, fields: request)
    }

    func matchFields(_ line: UnsafeBufferPointer<UInt8>, _ scratch: FilterScratch) throws(PCRE2Error) -> FilterMatcher.FieldsMatch? {
        try matcher.matchFields(subject: line, scratch: scratch)
    }

    func matchAll(_ line: UnsafeBufferPointer<UInt8>, _ scratch: FilterScratch, _ list: inout MatchList, _ failregexes: Bool)
        throws(PCRE2Error) -> LineMatches
    {
        try matcher.matchAll(subject: line, scratch: scratch, into: &list, failregexes: failregexes)
    }
}
