#if canImport(Glibc)
    import Glibc
#endif

/// A growable byte buffer for the journal's per-entry path: appends are `memcpy`s into one
/// allocation kept from entry to entry (an `Array`'s generic appends, uniqueness and
/// exclusivity checks cost more than sd-journal's own work per entry).
package final class ByteStore {
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) package private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int

    package init(capacity: Int = 512) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    package var isEmpty: Bool { count == 0 }

    /// The bytes held (valid until the next change).
    package var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    package func removeAll() { count = 0 }

    @inline(__always)
    func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while grown < count + more { grown *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    package func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    package func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        memcpy(base + count, source, bytes.count)
        count += bytes.count
    }

    package func append(_ other: ByteStore) { append(UnsafeRawBufferPointer(other.bytes)) }

    package func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    package func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// Appends `value` in decimal, zero-padded to `width` digits.
    @inline(__always)
    package func appendDecimal(_ value: Int, width: Int = 1) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value.magnitude
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 20
            while n < width && n < 20 {
                buffer[19 - n] = 48
                n += 1
            }
            if value < 0 { append(UInt8(ascii: "-")) }
            append(UnsafeRawBufferPointer(rebasing: buffer[(20 - n)...]))
        }
    }

    /// Whether `byte` occurs from `start` on.
    package func contains(_ byte: UInt8, from start: Int) -> Bool {
        start < count && memchr(base + start, Int32(byte), count - start) != nil
    }

    /// Writes each `\n` from `start` on as the two bytes `\` `n`.
    package func escapeNewlines(from start: Int) {
        let newlines = (start..<count).reduce(0) { $0 + (base[$1] == 10 ? 1 : 0) }
        guard newlines > 0 else { return }
        reserve(newlines)
        var read = count - 1
        var write = count + newlines - 1
        while read >= start {
            if base[read] == 10 {
                base[write] = UInt8(ascii: "n")
                base[write - 1] = UInt8(ascii: "\\")
                write -= 2
            } else {
                base[write] = base[read]
                write -= 1
            }
            read -= 1
        }
        count += newlines
    }

    /// Whether the bytes from `start` on are `text`.
    package func ends(from start: Int, with text: StaticString) -> Bool {
        count - start == text.utf8CodeUnitCount && memcmp(base + start, text.utf8Start, text.utf8CodeUnitCount) == 0
    }
}
