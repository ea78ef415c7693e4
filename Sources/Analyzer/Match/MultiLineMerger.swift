import Matcher

/// The sequential half of a multi-line filter: merges matches of one `<F-MLFID>` (a
/// connection, a session) into failures, in input order.
///
/// Corresponds to fail2ban's `server/filter.py` `findFailure` after the regex match and
/// `_mergeFailure`, with the server's `checkAllRegex = False`. Lines that no failregex
/// matches do not touch this state, which is why the regex half runs in parallel behind
/// the prefilter and only matches reach the merger.
final class MultiLineMerger {
    /// fail2ban's failure dict, for the fields that drive merging.
    struct FailState {
        var fields: FieldValues
        /// The distinct users seen, in order (fail2ban's set; a connection has few).
        var users: [String]? = nil
        var matches = 0
        var nofailMatches = 0
        /// The matched lines themselves, kept only when asked (fail2ban's `matches` and
        /// `nofail-matches`, for fail2ban-regex's `-o msg`): nil when not tracked.
        var lines: [String]? = nil
        var nofailLines: [String] = []
        var pending = false

        func has(_ slot: Int?) -> Bool { fields.has(slot) }
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
    var liveCount: Int { connections.liveCount }
    var counters = FilterCounters()
    /// Keep fields, users and attempts in the failures (for `failscan regex --json`).
    let detailed: Bool
    /// The filter's named groups.
    let layout: FieldLayout

    /// The slots a failure id is read from, in fail2ban's order.
    let idSlots: [Int]

    init(layout: FieldLayout, detailed: Bool) {
        self.layout = layout
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
    /// finds its failure id; `fail` becomes the merged state.
    /// - Parameter checkAll: fail2ban-regex's `checkAllRegex`: a no-fail merge goes on to
    ///   look for an id (and marks the connection pending without one), as there.
    /// - Parameter lines: the match's lines, to keep in `fail.lines` (when tracked).
    /// - Parameter hash: the `<F-MLFID>` value's hash, when known.
    func settle(_ fail: inout FailState, matchedLines: Int, checkAll: Bool = false, lines: [String] = [], hash: UInt64? = nil) -> Settled {
        let l = layout
        var connection: Int? = nil
        if fail.fields.isPresent(l.mlfid) {
            connection = merge(&fail, matchedLines: matchedLines, lines: lines, hash: hash)
            if fail.has(l.nofail) && !checkAll {
                if let connection { connections.states[connection] = fail }
                return .noFail
            }
        } else {
            fail.matches += matchedLines
            if fail.lines != nil { fail.lines! += lines }
        }
        // fail2ban: fid if it is set, else ip4, ip6, dns, host (an empty value counts).
        var idSlot: Int? = nil
        for slot in idSlots where fail.fields.isPresent(slot) {
            idSlot = slot
            break
        }
        guard let idSlot else {
            if let connection {
                fail.pending = true
                connections.states[connection] = fail
            }
            return .pending
        }
        if let connection { connections.states[connection] = fail }
        return .identified(idSlot)
    }

    /// Merges one match (its fields are taken, not copied); returns the failure it
    /// completes, if any.
    func resolve(_ match: inout MultiLineMatch, file: Int) -> Failure? {
        let l = layout
        var fail = FailState(fields: FieldValues(count: 0))
        swap(&fail.fields, &match.fields)
        guard case .identified(let idSlot) = settle(&fail, matchedLines: match.matchedLines, hash: match.mlfidHash) else { return nil }
        let failureID: FailureID? = fail.fields.withBytes(idSlot) { bytes in
            let bytes = bytes!
            if let address = IPAddress(bytes: bytes) { return .address(address) }
            if bytes.isEmpty { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            return idSlot == l.dns || idSlot == l.host ? .host(text) : .other(text)
        }
        guard let failureID else {
            counters.invalidID += 1
            return nil
        }
        guard let time = match.time else {
            counters.noDate += 1
            return nil
        }
        counters.matched += 1
        var fields: [String: String]? = nil
        if detailed {
            fields = fail.fields.dictionary(l)
            if let users = fail.users { fields?["users"] = users.sorted().joined(separator: "\u{1f}") }
            fields?["attempts"] = String(fail.matches)
        }
        return Failure(id: failureID, time: time, file: file, line: detailed ? match.line : 0, failregex: match.failregex, fields: fields)
    }

    /// After fail2ban's `_mergeFailure`: failures of one multi-line id (a connection)
    /// share one cached state; `<F-NOFAIL>` lines add to it without failing,
    /// `<F-MLFFORGET>` drops it, `<F-MLFGAINED>` (a success) resets pending failures.
    /// `fail` becomes the merged state.
    /// - Returns: the slot of the connection that caches it (nil when forgotten); the
    ///   caller stores the state there.
    func merge(_ fail: inout FailState, matchedLines: Int, lines: [String] = [], hash known: UInt64? = nil) -> Int? {
        let l = layout
        var flags: MergeFlags = []
        if fail.has(l.mlfgained) {
            flags.formUnion([.gained, .noFail])
            if !fail.has(l.nofail), let nofail = l.nofail, let gained = l.mlfgained { fail.fields.copy(gained, to: nofail) }
        } else if fail.has(l.nofail) {
            flags.insert(.noFail)
        }
        if fail.has(l.mlfforget) { flags.insert(.forget) }
        if let forget = l.mlfforget { fail.fields.clear(forget) }
        var users: [String]? = nil
        var connection: Int? = nil
        let (hash, found) = fail.fields.withBytes(l.mlfid) { lookup($0!, hash: known) }
        if let slot = found {
            // The cached state is taken out of its slot, merged, and becomes the failure;
            // the caller stores the result back, so the bytes move instead of being copied.
            var cached = FailState(fields: FieldValues(count: 0))
            swap(&cached, &connections.states[slot])
            users = Self.updateUsers(&cached, fail.fields[l.user])
            if cached.has(l.nofail) { flags.insert(.cachedNoFail) }
            if let nofail = l.nofail { cached.fields.clear(nofail) }
            if cached.has(l.mlfgained) { flags.insert(.cachedNoFail) }
            if let gained = l.mlfgained { cached.fields.clear(gained) }
            if flags.contains(.gained) { cached.pending = false }
            if !flags.contains(.cachedNoFail) && !cached.pending {
                cached.matches = 0
                if cached.lines != nil { cached.lines = [] }
            }
            cached.fields.update(from: fail.fields)
            swap(&fail, &cached)
            if flags.contains(.forget) { connections.remove(slot) } else { connection = slot }
        } else if !flags.contains(.forget) {
            users = Self.updateUsers(&fail, fail.fields[l.user])
            connection = fail.fields.withBytes(l.mlfid) { connections.insert($0!, hash: hash, FailState(fields: FieldValues(count: 0))) }
        }
        let wasPending = fail.pending
        fail.pending = false
        if wasPending || (users?.count ?? 0) > 1 {
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
        return connection
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

    static func updateUsers(_ fail: inout FailState, _ user: String?) -> [String]? {
        guard let user, !user.isEmpty else { return fail.users }
        if fail.users == nil { fail.users = [] }
        if !fail.users!.contains(user) { fail.users!.append(user) }
        return fail.users
    }
}
