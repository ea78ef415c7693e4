#if canImport(Glibc)
    import Glibc
#endif

/// Journal entries as a ``LineSource``: each entry one line, as fail2ban's systemd backend
/// hands it to its filter, `DATE LINE`: the entry's time as Python's `isoformat()` writes
/// it (`2026-10-26T07:33:20.000331+00:00`, the fraction left out when zero), a space, and
/// the line ``JournalEntries`` renders. The date is what fail2ban cuts from the line before
/// its regexes run (`DateDetector.journal` reads it back): the date text, time and cut are
/// fail2ban's own, and every consumer of lines (scan, report, ledgers) reads journals
/// unchanged.
///
/// python-systemd gives the time in the zone that was local when it started, as a fixed
/// offset; so does this reader (the offset of now, taken when it opens).
package final class JournalReader: LineSource {
    package let input: LogInput
    package var compression: Compression { .none }
    package let capacity: Int
    let entries: JournalEntries
    /// The local UTC offset in seconds (Python's `_LOCAL_TIMEZONE`).
    let offset: Int
    /// An entry read that did not fit in the last buffer.
    var pending = ByteStore()
    var scratch = ByteStore()
    var atEnd = false
    package private(set) var bytesRead = 0
    package var unterminatedBytes: Int { 0 }
    /// Entries longer than a buffer, cut.
    package private(set) var longLines = 0
    /// A journal has no first line fail2ban's database keeps (it keeps ``journalEnd``).
    package var firstLineHash: String { "" }
    /// The latest time of the entries read so far (they may come out of time order).
    var endTime: Int64? = nil

    /// The last entry read (the latest): its date as the line has it and its time.
    package var journalEnd: JournalEnd? {
        guard let endTime else { return nil }
        let date = ByteStore(capacity: 40)
        Self.appendISODate(endTime, offset: offset, to: date)
        date.append(0x20)
        return JournalEnd(dateText: String(decoding: date.bytes, as: UTF8.self), microseconds: endTime)
    }

    /// Opens the selection's files with its `journalmatch`.
    /// - Throws: `ScanError` naming the files and sd-journal's reason.
    package init(_ selection: JournalSelection, capacity: Int = 1 << 20) throws(ScanError) {
        input = .journal(selection)
        self.capacity = max(capacity, 64)
        if let problem = selection.problem { throw problem }
        entries = try JournalEntries(files: selection.files, matches: selection.matches, names: selection.names)
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        offset = local.tm_gmtoff
    }

    package var warnings: [ScanError] {
        guard longLines > 0 else { return [] }
        return [ScanError(.lineTooLong, path: input.name, "\(longLines) entry line(s) longer than \(capacity) bytes were cut")]
    }

    package func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(ScanError) -> Int? {
        precondition(buffer.count >= capacity, "JournalReader buffers must hold \(capacity) bytes")
        var filled = 0
        if !pending.isEmpty {
            filled = place(pending.bytes, in: buffer, at: 0)
            pending.removeAll()
        }
        let offset = self.offset
        while !atEnd {
            scratch.removeAll()
            let read = try entries.next(into: scratch) { line, microseconds in
                Self.appendISODate(microseconds, offset: offset, to: line)
                line.append(0x20)
            }
            guard let microseconds = read else {
                atEnd = true
                break
            }
            endTime = max(endTime ?? microseconds, microseconds)
            scratch.append(10)
            if filled + scratch.count > capacity {
                if filled == 0 {
                    filled = place(scratch.bytes, in: buffer, at: 0)
                } else {
                    swap(&pending, &scratch)
                }
                break
            }
            filled = place(scratch.bytes, in: buffer, at: filled)
        }
        bytesRead += filled
        return filled == 0 ? nil : filled
    }

    /// Copies a line (with its `\n`) into `buffer` at `position`, cut to the buffer's
    /// capacity when it is longer; returns the new fill.
    func place(_ line: UnsafeBufferPointer<UInt8>, in buffer: UnsafeMutableRawBufferPointer, at position: Int) -> Int {
        var count = line.count
        if position + count > capacity {
            longLines += 1
            count = capacity - position
        }
        buffer.baseAddress!.advanced(by: position).copyMemory(from: line.baseAddress!, byteCount: count)
        if position + count == capacity, line.count > count { buffer.storeBytes(of: 10, toByteOffset: capacity - 1, as: UInt8.self) }
        return position + count
    }

    /// Python's `datetime.fromtimestamp(us / 1e6, tz).isoformat()` for a fixed-offset zone:
    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM`.
    static func appendISODate(_ microseconds: Int64, offset: Int, to line: ByteStore) {
        let (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let (wholeSeconds, micro) = fraction < 0 ? (seconds - 1, fraction + 1_000_000) : (seconds, fraction)
        let local = Int(wholeSeconds) + offset
        let (days, secondOfDay) = local.quotientAndRemainder(dividingBy: 86400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86400) : (days, secondOfDay)
        let date = CivilDays.date(fromDays: day)
        line.appendDecimal(date.year, width: 4)
        line.append(UInt8(ascii: "-"))
        line.appendDecimal(date.month, width: 2)
        line.append(UInt8(ascii: "-"))
        line.appendDecimal(date.day, width: 2)
        line.append(UInt8(ascii: "T"))
        line.appendDecimal(second / 3600, width: 2)
        line.append(UInt8(ascii: ":"))
        line.appendDecimal(second / 60 % 60, width: 2)
        line.append(UInt8(ascii: ":"))
        line.appendDecimal(second % 60, width: 2)
        if micro != 0 {
            line.append(UInt8(ascii: "."))
            line.appendDecimal(Int(micro), width: 6)
        }
        line.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let zone = abs(offset)
        line.appendDecimal(zone / 3600, width: 2)
        line.append(UInt8(ascii: ":"))
        line.appendDecimal(zone / 60 % 60, width: 2)
        if zone % 60 != 0 {
            line.append(UInt8(ascii: ":"))
            line.appendDecimal(zone % 60, width: 2)
        }
    }
}
