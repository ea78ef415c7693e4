import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// The entries of systemd journal files, each rendered as the line fail2ban's systemd
/// backend matches (`FilterSystemd.formatJournalEntry`), with the entry's time beside it.
///
/// The line: `_HOSTNAME`, then `SYSLOG_IDENTIFIER` (else `_COMM`) with `[SYSLOG_PID]` (else
/// `[_PID]`) and `:`, the kernel's `[monotonic seconds]`, then `MESSAGE`, joined by spaces,
/// newlines in it written as `\n`. The time: `_SOURCE_REALTIME_TIMESTAMP`, else the entry's
/// realtime timestamp. Bytes are kept as they are: invalid UTF-8 is replaced when the line
/// is matched, as fail2ban decodes it. Only the fields the line needs are read (decoding
/// fields is what costs in sd-journal).
package final class JournalEntries {
    /// One entry: its line and its time.
    package struct Entry: Sendable, Equatable {
        /// The line fail2ban matches, without a newline.
        package var line: [UInt8]
        /// Microseconds since the epoch.
        package var microseconds: Int64
        /// Seconds since the epoch (rounded down).
        package var time: Int { Int(microseconds.dividedRoundingDown(by: 1_000_000)) }
    }

    let journal: OpaquePointer
    /// The files, as named in messages.
    package let files: [String]

    /// Opens `files` (journal files, read as one stream in time order, as sd-journal
    /// interleaves them) with fail2ban's `journalmatch`: groups ORed, and inside a group
    /// terms on different fields ANDed, on the same field ORed (`sd_journal_add_match`'s rule).
    /// - Throws: `ScanError` naming the files and sd-journal's reason.
    /// - Parameter names: how messages name the files (default: their paths).
    package init(files: [String], matches: [[String]] = [], names: [String]? = nil) throws(ScanError) {
        self.files = names ?? files
        var handle: OpaquePointer? = nil
        let copies = files.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var paths: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        let opened = paths.withUnsafeMutableBufferPointer { sd_journal_open_files(&handle, $0.baseAddress, 0) }
        guard opened >= 0, let handle else {
            throw ScanError(
                .open, path: files.joined(separator: " "), underlying: -opened,
                "cannot open as a journal: \(String(cString: strerror(-opened)))")
        }
        journal = handle
        for (index, group) in matches.enumerated() {
            if index > 0 { sd_journal_add_disjunction(journal) }
            for term in group {
                let added = term.withCString { sd_journal_add_match(journal, $0, 0) }
                guard added >= 0 else {
                    sd_journal_close(journal)
                    throw ScanError(.open, path: files.joined(separator: " "), "journalmatch \(term): \(String(cString: strerror(-added)))")
                }
            }
        }
    }

    deinit { sd_journal_close(journal) }

    /// Where an entry stands in sd-journal's order of entries across files: by sequence
    /// number when both entries come from the same sequence (`seqnumID`), else by
    /// monotonic time when from the same boot, else by realtime.
    package struct Position: Sendable, Equatable {
        package var seqnumID: String
        package var seqnum: UInt64
        package var boot: String
        package var monotonic: UInt64
        package var realtime: UInt64

        /// Whether sd-journal orders this entry before `other`.
        package func precedes(_ other: Position) -> Bool {
            if seqnumID == other.seqnumID { return seqnum < other.seqnum }
            if boot == other.boot { return monotonic < other.monotonic }
            return realtime < other.realtime
        }

        /// Reads a cursor (`s=SEQNUM-ID;i=SEQNUM;b=BOOT;m=MONOTONIC;t=REALTIME;x=HASH`, numbers in hex).
        init?(cursor: String) {
            var fields: [Substring: Substring] = [:]
            for part in cursor.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[pair[0]] = pair[1] }
            }
            guard let s = fields["s"], let i = fields["i"].flatMap({ UInt64($0, radix: 16) }), let b = fields["b"],
                let m = fields["m"].flatMap({ UInt64($0, radix: 16) }), let t = fields["t"].flatMap({ UInt64($0, radix: 16) })
            else { return nil }
            (seqnumID, seqnum, boot, monotonic, realtime) = (String(s), i, String(b), m, t)
        }
    }

    /// The positions of a journal file's first and last entries, or nil when the file
    /// cannot be opened or has no entry.
    package static func bounds(of file: String) -> (head: Position, tail: Position)? {
        guard let entries = try? JournalEntries(files: [file]) else { return nil }
        let journal = entries.journal
        func position() -> Position? {
            var cursor: UnsafeMutablePointer<CChar>? = nil
            guard sd_journal_get_cursor(journal, &cursor) >= 0, let cursor else { return nil }
            defer { free(cursor) }
            return Position(cursor: String(cString: cursor))
        }
        guard sd_journal_seek_head(journal) >= 0, sd_journal_next(journal) > 0, let head = position(),
            sd_journal_seek_tail(journal) >= 0, sd_journal_previous(journal) > 0, let tail = position()
        else { return nil }
        return (head, tail)
    }

    /// The next entry in time order, or nil at the end.
    /// - Throws: `ScanError` when sd-journal cannot go on (a corrupt file).
    package func next() throws(ScanError) -> Entry? {
        let line = ByteStore()
        guard let microseconds = try next(into: line) else { return nil }
        return Entry(line: Array(line.bytes), microseconds: microseconds)
    }

    /// Steps to the next entry and appends its line (without a newline) to `line`, after
    /// what `prefix` appends given the entry's time: the reader's path, without allocation.
    /// - Returns: the entry's time in microseconds since the epoch, or nil at the end.
    /// - Throws: `ScanError` when sd-journal cannot go on (a corrupt file).
    @inline(__always)
    package func next(into line: ByteStore, prefix: (ByteStore, Int64) -> Void = { _, _ in }) throws(ScanError) -> Int64? {
        let stepped = sd_journal_next(journal)
        guard stepped >= 0 else {
            throw ScanError(.corrupt, path: files.joined(separator: " "), underlying: -stepped, String(cString: strerror(-stepped)))
        }
        guard stepped > 0 else { return nil }
        fields.read(journal)
        let microseconds = time()
        prefix(line, microseconds)
        render(into: line)
        return microseconds
    }

    /// The fields of the current entry that its line and time need.
    let fields = EntryFields()

    func render(into line: ByteStore) {
        let start = line.count
        var elements = 0
        func separate() {
            if elements > 0 { line.append(0x20) }
            elements += 1
        }
        if !fields.host.isEmpty {
            separate()
            line.append(fields.host)
        }
        let ident = fields.identifier.isEmpty ? fields.command : fields.identifier
        if !ident.isEmpty {
            separate()
            let identStart = line.count
            line.append(ident)
            let pid = fields.syslogPID.isEmpty ? fields.pid : fields.syslogPID
            if !pid.isEmpty { Self.appendBracketedPID(pid, to: line) }
            line.append(UInt8(ascii: ":"))
            if line.ends(from: identStart, with: "kernel:") {
                separate()
                line.append(Self.monotonic(fields.sourceMonotonic ?? entryMonotonic()))
            }
        }
        separate()
        // Every MESSAGE value, joined by spaces (python-systemd gives a list when a field
        // is repeated, and fail2ban joins it).
        line.append(fields.message)
        // fail2ban writes a newline of the message as `\n` (the line is one line).
        if line.contains(10, from: start) { line.escapeNewlines(from: start) }
    }

    /// ``bracketedPID(_:)`` appended: a pid of decimal digits (nearly all) without allocating.
    @inline(__always)
    static func appendBracketedPID(_ pid: ByteStore, to line: ByteStore) {
        let bytes = pid.bytes
        if bytes.count <= 18, bytes.allSatisfy({ $0 &- 48 < 10 }) {
            var value = 0
            for byte in bytes { value = value * 10 + Int(byte - 48) }
            line.append(UInt8(ascii: "["))
            line.appendDecimal(value)
            line.append(UInt8(ascii: "]"))
        } else {
            line.append(bracketedPID(Array(bytes)))
        }
    }

    /// `_SOURCE_REALTIME_TIMESTAMP`, else the entry's realtime timestamp, in microseconds.
    func time() -> Int64 {
        if let source = fields.sourceRealtime { return source }
        var usec: UInt64 = 0
        sd_journal_get_realtime_usec(journal, &usec)
        return Int64(usec)
    }

    func entryMonotonic() -> UInt64 {
        var usec: UInt64 = 0
        var boot = sd_id128_t()
        sd_journal_get_monotonic_usec(journal, &usec, &boot)
        return usec
    }

    /// Python's `"[%12.6f]" % seconds` of a monotonic time in microseconds.
    static func monotonic(_ usec: UInt64) -> [UInt8] {
        let text = "\(usec / 1_000_000).\(String(usec % 1_000_000).leftPadded(to: 6))"
        return Array(("[" + String(repeating: " ", count: max(0, 12 - text.count)) + text + "]").utf8)
    }

    /// fail2ban's `[pid]`: the pid as Python's `int` reads it (decimal, surrounding blanks,
    /// a sign; else with a 0x, 0o or 0b prefix), else its bytes as Python's repr shows them.
    static func bracketedPID(_ pid: [UInt8]) -> [UInt8] {
        let text = String(decoding: pid, as: UTF8.self).trimmingBlanks()
        if let value = Int(text.replacingUnderscores()) { return Array("[\(value)]".utf8) }
        let lower = text.lowercased()
        let sign = lower.hasPrefix("-") ? -1 : 1
        let digits = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            if let value = Int(String(digits.dropFirst(2)).replacingUnderscores(), radix: radix) { return Array("[\(sign * value)]".utf8) }
        }
        return Array("[".utf8) + pythonBytesRepr(pid) + Array("]".utf8)
    }

    /// Python's `repr` of a `bytes` value (`b'...'`).
    static func pythonBytesRepr(_ bytes: [UInt8]) -> [UInt8] {
        let quote: UInt8 = bytes.contains(0x27) && !bytes.contains(0x22) ? 0x22 : 0x27
        var out: [UInt8] = [UInt8(ascii: "b"), quote]
        for byte in bytes {
            switch byte {
            case quote, 0x5C: out += [0x5C, byte]
            case 0x09: out += Array("\\t".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x20..<0x7F: out.append(byte)
            default:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        out.append(quote)
        return out
    }
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
    /// Python allows `_` between digits; Swift's `Int(_:)` does not.
    fileprivate func replacingUnderscores() -> String {
        guard contains("_"), !hasPrefix("_"), !hasSuffix("_"), !contains("__") else { return self }
        return String(filter { $0 != "_" })
    }
}

extension Int64 {
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let (q, r) = quotientAndRemainder(dividingBy: divisor)
        return r < 0 ? q - 1 : q
    }
}

/// The fields of one entry that fail2ban's line and time use, gathered in one pass over
/// the entry's data (sd-journal's `sd_journal_get_data` walks the entry's items for every
/// field asked; one enumeration visits each item once). Buffers are reused from entry to
/// entry: no allocation per entry once they have grown.
final class EntryFields {
    let host = ByteStore(capacity: 64)
    let identifier = ByteStore(capacity: 64)
    let command = ByteStore(capacity: 64)
    let syslogPID = ByteStore(capacity: 32)
    let pid = ByteStore(capacity: 32)
    /// Every MESSAGE value, joined by spaces.
    let message = ByteStore(capacity: 1024)
    @exclusivity(unchecked) var messages = 0
    @exclusivity(unchecked) var sourceRealtime: Int64?
    @exclusivity(unchecked) var sourceMonotonic: UInt64?

    func read(_ journal: OpaquePointer) {
        host.removeAll()
        identifier.removeAll()
        command.removeAll()
        syslogPID.removeAll()
        pid.removeAll()
        message.removeAll()
        messages = 0
        sourceRealtime = nil
        sourceMonotonic = nil
        var seen: UInt8 = 0
        sd_journal_restart_data(journal)
        var data: UnsafeRawPointer? = nil
        var length = 0
        while sd_journal_enumerate_available_data(journal, &data, &length) > 0 {
            guard let data else { continue }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            // `FIELD=value`: dispatch on the name's first byte, then compare it whole.
            switch bytes.first {
            case UInt8(ascii: "M"):
                if let value = Self.value(bytes, "MESSAGE=") {
                    if messages > 0 { message.append(0x20) }
                    message.append(value)
                    messages += 1
                }
            case UInt8(ascii: "S"):
                if !first("SYSLOG_IDENTIFIER=", of: bytes, into: identifier, bit: 1, &seen) {
                    first("SYSLOG_PID=", of: bytes, into: syslogPID, bit: 2, &seen)
                }
            case UInt8(ascii: "_"):
                if first("_HOSTNAME=", of: bytes, into: host, bit: 4, &seen) || first("_COMM=", of: bytes, into: command, bit: 8, &seen)
                    || first("_PID=", of: bytes, into: pid, bit: 16, &seen)
                {
                    break
                }
                if sourceRealtime == nil, let value = Self.value(bytes, "_SOURCE_REALTIME_TIMESTAMP=") {
                    sourceRealtime = Self.number(value).map(Int64.init)
                } else if sourceMonotonic == nil, let value = Self.value(bytes, "_SOURCE_MONOTONIC_TIMESTAMP=") {
                    sourceMonotonic = Self.number(value)
                }
            default: break
            }
        }
    }

    /// Keeps `data`'s value in `store` when it is field `name`'s first (python-systemd gives
    /// a repeated field as a list; fail2ban's line takes one value), marking `bit` in `seen`.
    /// - Returns: whether `data` is that field.
    @inline(__always) @discardableResult
    func first(_ name: StaticString, of data: UnsafeRawBufferPointer, into store: ByteStore, bit: UInt8, _ seen: inout UInt8) -> Bool {
        guard let value = Self.value(data, name) else { return false }
        if seen & bit == 0 {
            store.append(value)
            seen |= bit
        }
        return true
    }

    /// A decimal number (as `UInt64(_:)` reads it: digits only), or nil.
    static func number(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte &- 48 < 10 else { return nil }
            value = value * 10 + UInt64(byte - 48)
        }
        return value
    }

    /// The value of `data` when its field is `name` (with its `=`).
    @inline(__always)
    static func value(_ data: UnsafeRawBufferPointer, _ name: StaticString) -> UnsafeRawBufferPointer? {
        let count = name.utf8CodeUnitCount
        guard data.count >= count, memcmp(data.baseAddress!, name.utf8Start, count) == 0 else { return nil }
        return UnsafeRawBufferPointer(rebasing: data[count...])
    }
}
