import Matcher

/// The sequential half of a multi-line filter: merges matches of one `<F-MLFID>` (a
/// connection, a session) into failures, in input order.
///
/// Corresponds to fail2ban's `server/filter.py` `findFailure` after the regex match and
/// `_mergeFailure`, with the server's `checkAllRegex = False`. Lines that no failregex
/// matches do not touch this state, which is why the regex half runs in parallel behind
/// the prefilter and only matches reach the merger.
///
/// A value, changed in place by its owner: the connections' states are merged in their
/// slots without the runtime's exclusivity checks of a class's properties (perf: a
/// tenth of the merge).
struct MultiLineMerger {
    /// fail2ban's failure dict, for the fields that drive merging.
    struct FailState {
        var fields: FieldValues
        /// The distinct users seen, in order (fail2ban's set; a connection has few; empty:
        /// none yet).
        var users = DistinctUsers()
        var matches = 0
        var nofailMatches = 0
        /// The matched lines themselves, kept only when asked (fail2ban's `matches` and
        /// `nofail-matches`, for fail2ban-regex's `-o msg`): nil when not tracked.
        var lines: [String]? = nil
        var nofailLines: [String] = []
        var pending = false

        func has(_ slot: Int?) -> Bool { fields.has(slot) }

        /// Becomes the state of a new match whose fields are the bytes `raw`
        /// (``FieldValues/withRawBytes(_:)`` of `count` slots), keeping its buffers.
        mutating func reload(fields raw: UnsafeBufferPointer<UInt8>, count: Int) {
            fields.load(raw, count: count)
            users.removeAll()
            matches = 0
            nofailMatches = 0
            if lines != nil { lines = nil }
            if !nofailLines.isEmpty { nofailLines = [] }
            pending = false
        }
    }

    /// Flags of one merge (fail2ban's `_mergeFailure` bit set).
    struct MergeFlags: OptionSet {
        let rawValue: Int
        /// `<F-NOFAIL>`: the line adds to the connection without failing.
        static let noFail = MergeFlags(rawValue: 1)
        /// `<F-MLFFORGET>`: the connection's state is dropped after this line.
        static let forget = MergeFlags(rawValue: 2)
        /// The cached state had a no-fail or gained mark.
        static let cachedNoFail = MergeFlags(rawValue: 4)
        /// `<F-MLFGAINED>`: a success; pending failures of the connection are reset.
        static let gained = MergeFlags(rawValue: 8)
    }

    /// fail2ban keeps at most this many connections (`Utils.Cache(maxCount=100, ...)` in
    /// filter.py): a new one evicts the one created first. Without the bound, a PID that
    /// comes back hours later would merge with a long-gone connection.
    static let cacheLimit = 100

    /// The live connections' cached states (``ConnectionCache``): one state per
    /// connection, as in fail2ban, where the cached failure and the one being worked on are
    /// the same dict (what happens to it after merging is seen by the next line of the
    /// connection). Looked up by a 64-bit hash of the id's bytes: no `String` per line.
    var connections = ConnectionCache<FailState>(limit: cacheLimit, empty: FailState(fields: FieldValues(count: 0)))
    /// What a new connection's slot gives back passes through here (see ``merge``).
    private var spare = FailState(fields: FieldValues(count: 0))
    var liveCount: Int { connections.liveCount }
    /// The state a match is loaded into (``resolve(_:fields:file:)``): a new connection's
    /// slot takes it and gives back its former state (an evicted connection's), which
    /// serves the next match; its buffers are made and freed on the merge's thread only,
    /// reused once warm (a state made and destroyed per match, the evicted one's users
    /// freed with it: callgrind, sshd's attack log, 540.3M -> 534.0M instructions).
    private var recycled = FailState(fields: FieldValues(count: 0))
    var counters = FilterCounters()
    /// Keep fields, users and attempts in the failures (for `failscan regex --json`).
    let detailed: Bool
    /// The filter's named groups.
    let layout: FieldLayout
    /// The slots the merge reads, copied out of `layout` (a plain value: no reference
    /// counting where a match is merged).
    let slots: Slots

    struct Slots {
        let mlfid: Int?, nofail: Int?, mlfforget: Int?, mlfgained: Int?, user: Int?, dns: Int?, host: Int?
    }

    /// The slots a failure id is read from, in fail2ban's order.
    let idSlots: [Int]

    init(layout: FieldLayout, detailed: Bool) {
        self.layout = layout
        slots = Slots(
            mlfid: layout.mlfid, nofail: layout.nofail, mlfforget: layout.mlfforget, mlfgained: layout.mlfgained, user: layout.user,
            dns: layout.dns, host: layout.host)
        idSlots = [layout.fid, layout.ip4, layout.ip6, layout.dns, layout.host].compactMap { $0 }
        self.detailed = detailed
    }

    /// What one match came to after merging.
    enum Settled {
        /// `<F-NOFAIL>` (or a success) with the server's rule: nothing more is done.
        case noFail
        /// No failure id yet (fail2ban's `mlfpending`): the connection waits for one.
        case pending
        /// The failure id is in this slot of the merged fields.
        case identified(Int)
    }

    /// Merges one match's fields into its connection (when it has an `<F-MLFID>`) and
    /// finds its failure id. The merged state is the connection's slot when one is named
    /// (`connection`: read it there, a copy would make the next merge into the slot copy
    /// its buffers), else `fail`.
    /// - Parameter checkAll: fail2ban-regex's `checkAllRegex`: a no-fail merge goes on to
    ///   look for an id (and marks the connection pending without one), as there.
    /// - Parameter lines: the match's lines, to keep in `fail.lines` (when tracked).
    /// - Parameter hash: the `<F-MLFID>` value's hash, when known.
    mutating func settle(_ fail: inout FailState, matchedLines: Int, checkAll: Bool = false, lines: [String] = [], hash: UInt64? = nil)
        -> (settled: Settled, connection: Int?)
    {
        let merged = fail.fields.isPresent(slots.mlfid)
        let connection = merged ? merge(&fail, matchedLines: matchedLines, lines: lines, hash: hash) : nil
        guard let connection else {
            let settled = Self.settle(
                &fail, slots, idSlots, merged: merged, cached: false, matchedLines: matchedLines, checkAll: checkAll, lines: lines)
            return (settled, nil)
        }
        let settled = Self.settle(
            &connections.states[connection], slots, idSlots, merged: true, cached: true, matchedLines: matchedLines, checkAll: checkAll,
            lines: lines)
        return (settled, connection)
    }

    /// ``settle(_:matchedLines:checkAll:lines:hash:)`` on a state merged already (in its
    /// connection's slot, or alone), changed where it is.
    /// - Parameter merged: the match had an `<F-MLFID>` (and went through ``merge``).
    /// - Parameter cached: the merged state is a live connection's.
    @inline(__always)
    private static func settle(
        _ fail: inout FailState, _ l: Slots, _ idSlots: [Int], merged: Bool, cached: Bool, matchedLines: Int,
        checkAll: Bool, lines: [String]
    ) -> Settled {
        if merged {
            if fail.has(l.nofail) && !checkAll { return .noFail }
        } else {
            fail.matches += matchedLines
            if fail.lines != nil { fail.lines! += lines }
        }
        // fail2ban: fid if it is set, else ip4, ip6, dns, host (an empty value counts).
        for slot in idSlots where fail.fields.isPresent(slot) { return .identified(slot) }
        if cached { fail.pending = true }
        return .pending
    }

    /// Merges one match, whose fields are the bytes `fields` (``FieldValues/withRawBytes(_:)``
    /// of values of this filter's layout); returns the failure it completes, if any.
    mutating func resolve(_ match: borrowing MultiLineMatch, fields: UnsafeBufferPointer<UInt8>, file: Int) -> Failure? {
        var fail = FailState(fields: FieldValues(count: 0))
        swap(&fail, &recycled)
        fail.reload(fields: fields, count: layout.names.count)
        defer { swap(&fail, &recycled) }
        let merged = fail.fields.isPresent(slots.mlfid)
        let connection = merged ? merge(&fail, matchedLines: match.matchedLines, hash: match.mlfidHash) : nil
        let concluded: (FailureID?, [String: String]?)?
        if let connection {
            concluded = Self.conclude(
                &connections.states[connection], slots, layout, idSlots, detailed: detailed, merged: true, cached: true, match)
        } else {
            concluded = Self.conclude(&fail, slots, layout, idSlots, detailed: detailed, merged: merged, cached: false, match)
        }
        guard let (id, details) = concluded else { return nil }
        guard let id else {
            counters.invalidID += 1
            return nil
        }
        guard let time = match.time else {
            counters.noDate += 1
            return nil
        }
        counters.matched += 1
        return Failure(id: id, time: time, file: file, line: detailed ? match.line : 0, failregex: match.failregex, fields: details)
    }

    /// Settles a merged state for ``resolve(_:fields:file:)``: nil when it is no failure (no-fail,
    /// pending), else its id (nil: not a usable one) and, when detailed, its fields.
    @inline(__always)
    private static func conclude(
        _ fail: inout FailState, _ l: Slots, _ layout: borrowing FieldLayout, _ idSlots: [Int], detailed: Bool, merged: Bool, cached: Bool,
        _ match: borrowing MultiLineMatch
    ) -> (FailureID?, [String: String]?)? {
        let settled = settle(
            &fail, l, idSlots, merged: merged, cached: cached, matchedLines: match.matchedLines, checkAll: false, lines: [])
        guard case .identified(let idSlot) = settled else { return nil }
        let id: FailureID? = fail.fields.withBytes(idSlot) { bytes in
            let bytes = bytes!
            if let address = IPAddress(bytes: bytes) { return .address(address) }
            if bytes.isEmpty { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            return idSlot == l.dns || idSlot == l.host ? .host(text) : .other(text)
        }
        guard detailed, id != nil, match.time != nil else { return (id, nil) }
        var fields = fail.fields.dictionary(layout)
        if !fail.users.isEmpty { fields["users"] = fail.users.names.sorted().joined(separator: "\u{1f}") }
        fields["attempts"] = String(fail.matches)
        return (id, fields)
    }

    /// After fail2ban's `_mergeFailure`: failures of one multi-line id (a connection)
    /// share one cached state; `<F-NOFAIL>` lines add to it without failing,
    /// `<F-MLFFORGET>` drops it, `<F-MLFGAINED>` (a success) resets pending failures.
    ///
    /// The merge happens where the state lives: a live connection's state is changed in
    /// its slot (`fail`, the match's own state, is then spent), a new connection's slot
    /// takes `fail`; only a forgotten connection's state is moved out, into `fail`.
    /// - Returns: the slot of the connection that caches the merged state; nil when it was
    ///   forgotten (or never cached): the merged state is then `fail`.
    mutating func merge(_ fail: inout FailState, matchedLines: Int, lines: [String] = [], hash known: UInt64? = nil) -> Int? {
        let l = slots
        var flags: MergeFlags = []
        if fail.has(l.mlfgained) {
            flags.formUnion([.gained, .noFail])
            if !fail.has(l.nofail), let nofail = l.nofail, let gained = l.mlfgained { fail.fields.copy(gained, to: nofail) }
        } else if fail.has(l.nofail) {
            flags.insert(.noFail)
        }
        if fail.has(l.mlfforget) { flags.insert(.forget) }
        if let forget = l.mlfforget { fail.fields.clear(forget) }
        let (hash, found) = fail.fields.withBytes(l.mlfid) { lookup($0!, hash: known) }
        var connection: Int? = nil
        let userCount: Int
        if let slot = found {
            userCount = Self.mergeCached(&connections.states[slot], fail.fields, &flags, l)
            if flags.contains(.forget) {
                // The state leaves the cache: it is moved out of its slot and becomes `fail`.
                swap(&fail, &connections.states[slot])
                connections.remove(slot)
            } else {
                connection = slot
            }
        } else {
            userCount = fail.fields.withBytes(l.user) { Self.updateUsers(&fail, $0) }
            if !flags.contains(.forget) {
                // The state moves into the slot; `fail` gets the slot's former one (through
                // `spare`, which ends as it began: a placeholder made per connection was 0.4%
                // of sshd's report).
                connection = fail.fields.withBytes(l.mlfid) { connections.insert($0!, hash: hash, &spare) }
                swap(&fail, &connections.states[connection!])
                swap(&fail, &spare)
            }
        }
        if let connection {
            Self.account(&connections.states[connection], l, flags, userCount: userCount, matchedLines: matchedLines, lines: lines)
        } else {
            Self.account(&fail, l, flags, userCount: userCount, matchedLines: matchedLines, lines: lines)
        }
        return connection
    }

    /// The cached half of `_mergeFailure`: `incoming` (a match's fields) merged into the
    /// connection's `cached` state, in place; the distinct users' count.
    @inline(__always)
    private static func mergeCached(_ cached: inout FailState, _ incoming: borrowing FieldValues, _ flags: inout MergeFlags, _ l: Slots)
        -> Int
    {
        let userCount = incoming.withBytes(l.user) { Self.updateUsers(&cached, $0) }
        if cached.has(l.nofail) { flags.insert(.cachedNoFail) }
        if let nofail = l.nofail { cached.fields.clear(nofail) }
        if cached.has(l.mlfgained) { flags.insert(.cachedNoFail) }
        if let gained = l.mlfgained { cached.fields.clear(gained) }
        if flags.contains(.gained) { cached.pending = false }
        if !flags.contains(.cachedNoFail) && !cached.pending {
            cached.matches = 0
            if cached.lines != nil { cached.lines = [] }
        }
        cached.fields.update(from: incoming)
        return userCount
    }

    /// The end of `_mergeFailure` on the merged state: the pending mark, the users check,
    /// and the count (and lines) of matches.
    @inline(__always)
    private static func account(
        _ fail: inout FailState, _ l: Slots, _ flags: MergeFlags, userCount: Int, matchedLines: Int, lines: [String]
    ) {
        var flags = flags
        let wasPending = fail.pending
        fail.pending = false
        if wasPending || userCount > 1 {
            if let nofail = l.nofail { fail.fields.clear(nofail) }
            if let gained = l.mlfgained { fail.fields.clear(gained) }
            flags.subtract([.gained, .noFail])
        }
        if !flags.contains(.noFail) {
            fail.matches = fail.nofailMatches + fail.matches + (flags.contains(.gained) ? 0 : matchedLines)
            fail.nofailMatches = 0
            if fail.lines != nil {
                fail.lines = fail.nofailLines + fail.lines! + (flags.contains(.gained) ? [] : lines)
                fail.nofailLines = []
            }
        } else if !flags.contains(.forget) {
            fail.nofailMatches += matchedLines
            if fail.lines != nil { fail.nofailLines += lines }
        }
    }

    /// The hash of the id `mlfid` and the slot of its live connection, if any.
    func lookup(_ mlfid: UnsafeBufferPointer<UInt8>, hash known: UInt64? = nil) -> (hash: UInt64, slot: Int?) {
        let hash = known ?? FNV1a.hash(mlfid)
        return (hash, connections.find(mlfid, hash: hash))
    }

    /// The cached state of the live connection with id `mlfid`, if any.
    func cachedState(_ mlfid: String) -> FailState? {
        var text = mlfid
        return text.withUTF8 { lookup($0).slot }.map { connections.states[$0] }
    }

    /// Adds `user` (when non-empty) to the state's distinct users; their count (0: none
    /// yet). Compared as bytes (a line with bytes that are not UTF-8 is matched repaired,
    /// so equal bytes are equal text).
    static func updateUsers(_ fail: inout FailState, _ user: UnsafeBufferPointer<UInt8>?) -> Int {
        guard let user, !user.isEmpty else { return fail.users.count }
        fail.users.insert(user)
        return fail.users.count
    }
}
