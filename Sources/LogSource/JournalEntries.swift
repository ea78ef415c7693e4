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
    package init(files: [String], matches: [[String]] = []) throws(ScanError) {
        self.files = files
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

    /// The next entry in time order, or nil at the end.
    /// - Throws: `ScanError` when sd-journal cannot go on (a corrupt file).
    package func next() throws(ScanError) -> Entry? {
        let stepped = sd_journal_next(journal)
        guard stepped >= 0 else {
            throw ScanError(.corrupt, path: files.joined(separator: " "), underlying: -stepped, String(cString: strerror(-stepped)))
        }
        guard stepped > 0 else { return nil }
        return render()
    }

    /// The first value of `field` (nil when the entry has none).
    func field(_ name: StaticString) -> UnsafeRawBufferPointer? {
        var data: UnsafeRawPointer? = nil
        var length = 0
        let found = name.withUTF8Buffer { name in
            name.withMemoryRebound(to: CChar.self) { sd_journal_get_data(journal, $0.baseAddress, &data, &length) }
        }
        guard found >= 0, let data else { return nil }
        // The data is `FIELD=value`.
        let skip = name.utf8CodeUnitCount + 1
        guard length >= skip else { return nil }
        return UnsafeRawBufferPointer(start: data + skip, count: length - skip)
    }

    func render() -> Entry {
        var line: [UInt8] = []
        var elements = 0
        func separate() {
            if elements > 0 { line.append(0x20) }
            elements += 1
        }
        if let host = field("_HOSTNAME"), !host.isEmpty {
            separate()
            line += host
        }
        let ident = field("SYSLOG_IDENTIFIER").flatMap { $0.isEmpty ? nil : $0 } ?? field("_COMM").flatMap { $0.isEmpty ? nil : $0 }
        if let ident {
            var element = Array(ident)
            if let pid = field("SYSLOG_PID").flatMap({ $0.isEmpty ? nil : $0 }) ?? field("_PID").flatMap({ $0.isEmpty ? nil : $0 }) {
                element += Self.bracketedPID(Array(pid))
            }
            element.append(UInt8(ascii: ":"))
            separate()
            line += element
            if element.elementsEqual("kernel:".utf8) {
                separate()
                line += Self.monotonic(sourceMonotonic() ?? entryMonotonic())
            }
        }
        separate()
        if let message = field("MESSAGE") { line += message }
        // fail2ban writes a newline of the message as `\n` (the line is one line).
        if line.contains(10) {
            line = line.flatMap { $0 == 10 ? [UInt8(ascii: "\\"), UInt8(ascii: "n")] : [$0] }
        }
        return Entry(line: line, microseconds: time())
    }

    /// `_SOURCE_REALTIME_TIMESTAMP`, else the entry's realtime timestamp, in microseconds.
    func time() -> Int64 {
        if let source = field("_SOURCE_REALTIME_TIMESTAMP"), let value = Int64(String(decoding: source, as: UTF8.self)) { return value }
        var usec: UInt64 = 0
        sd_journal_get_realtime_usec(journal, &usec)
        return Int64(usec)
    }

    func sourceMonotonic() -> UInt64? {
        field("_SOURCE_MONOTONIC_TIMESTAMP").flatMap { UInt64(String(decoding: $0, as: UTF8.self)) }
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
