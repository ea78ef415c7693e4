#if canImport(Glibc)
    import Glibc
#endif

/// The values of a filter's named groups for one match (fail2ban's failure dict), by slot
/// of its ``FieldLayout``; absent where the group did not take part.
///
/// The values are bytes in one buffer: a header with a (start, length) pair of 32-bit
/// numbers per slot, then the bytes themselves. A match fills it from PCRE2's offsets
/// without making a `String` per group, and copying it copies plain bytes. (Stored as
/// `[String?]`, perf on sshd under attack showed a third of the multi-line merge in the
/// runtime's generic copies and destroys of optional strings.)
public struct FieldValues: Sendable {
    /// Number of slots.
    @inlinable public var count: Int { slotCount }
    @usableFromInline var slotCount: Int
    /// `count` headers of 8 bytes (start, length; start `UInt32.max`: absent), then values;
    /// only the first `used` bytes mean something (the rest is room for more values).
    @usableFromInline var storage: [UInt8]
    /// Bytes of `storage` in use: headers and values.
    @usableFromInline var used: Int
    /// The buffer's size past which ``set(_:_:)`` compacts it: the live values' size when
    /// last compacted, twice, plus 2 KiB. So replaced values never make up more than half
    /// the buffer (plus 2 KiB), and values of any length are compacted a bounded number
    /// of times: never once per `set`.
    @usableFromInline var compactionLimit: Int

    /// Values with all `count` slots absent.
    @inlinable
    public init(count: Int) {
        self.init(count: count, reservingBytes: 0)
    }

    /// Makes all `count` slots absent, with room for `bytes` bytes of values: the buffer
    /// is kept (no allocation once it is large enough), for values refilled match after
    /// match.
    @inlinable
    public mutating func removeAll(count: Int, reservingBytes bytes: Int) {
        self.slotCount = count
        let headers = 8 * count
        used = headers
        compactionLimit = headers + bytes + Self.slack
        if storage.count < headers + bytes { grow(to: headers + bytes) }
        storage.withUnsafeMutableBufferPointer { $0.baseAddress?.update(repeating: 0xFF, count: headers) }
    }

    /// Calls `body` with the values as one self-contained run of bytes (the headers'
    /// offsets are relative to its start): what ``load(_:count:)`` takes back.
    @inlinable
    public func withRawBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<used])) }
    }

    /// Replaces the values by `raw`, bytes of ``withRawBytes(_:)`` of values with `count`
    /// slots, copied into this buffer (no allocation once it is large enough).
    @inlinable
    public mutating func load(_ raw: UnsafeBufferPointer<UInt8>, count: Int) {
        precondition(raw.count >= 8 * count, "raw field values shorter than their headers")
        self.slotCount = count
        if storage.count < raw.count { grow(to: raw.count) }
        if let source = raw.baseAddress {
            storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source, count: raw.count) }
        }
        used = raw.count
        compactionLimit = 2 * used + Self.slack
    }

    /// Bytes of replaced values a buffer may carry beyond its live ones.
    @usableFromInline static let slack = 2048

    /// Values with all `count` slots absent and room for `bytes` bytes of values (one
    /// allocation for a match's fields).
    @inlinable
    public init(count: Int, reservingBytes bytes: Int) {
        self.slotCount = count
        used = 8 * count
        compactionLimit = 8 * count + bytes + Self.slack
        let headers = 8 * count
        storage =
            headers + bytes == 0
            ? []
            : [UInt8](unsafeUninitializedCapacity: headers + bytes) { buffer, initialized in
                // The headers say "absent"; the room after them is written before it is read.
                buffer.baseAddress!.initialize(repeating: 0xFF, count: headers)
                (buffer.baseAddress! + headers).initialize(repeating: 0, count: bytes)
                initialized = headers + bytes
            }
    }

    @inlinable @inline(__always)
    func span(_ slot: Int) -> Range<Int>? {
        storage.withUnsafeBytes { raw in
            let start = raw.loadUnaligned(fromByteOffset: 8 * slot, as: UInt32.self)
            if start == .max { return nil }
            let length = raw.loadUnaligned(fromByteOffset: 8 * slot + 4, as: UInt32.self)
            return Int(start)..<Int(start) + Int(length)
        }
    }

    @inlinable @inline(__always)
    mutating func setSpan(_ slot: Int, start: UInt32, length: UInt32) {
        storage.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: start, toByteOffset: 8 * slot, as: UInt32.self)
            raw.storeBytes(of: length, toByteOffset: 8 * slot + 4, as: UInt32.self)
        }
    }

    /// Calls `body` with the bytes in `slot` (nil when absent or the filter lacks the group).
    @inlinable @inline(__always)
    public func withBytes<R>(_ slot: Int?, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard let slot, let span = span(slot) else { return try body(nil) }
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[span])) }
    }

    /// The value in `slot`; nil when absent or for a group the filter does not have.
    public subscript(slot: Int?) -> String? {
        get { withBytes(slot) { $0.map { String(decoding: $0, as: UTF8.self) } } }
        set {
            guard let slot else { return }
            guard var newValue else { return clear(slot) }
            newValue.withUTF8 { set(slot, $0) }
        }
    }

    /// Whether `slot` holds a non-empty value (fail2ban's truth test of a group).
    @inlinable @inline(__always)
    public func has(_ slot: Int?) -> Bool {
        guard let slot, let span = span(slot) else { return false }
        return !span.isEmpty
    }

    /// Whether `slot` holds a value, empty or not.
    @inlinable @inline(__always)
    public func isPresent(_ slot: Int?) -> Bool { slot.flatMap(span) != nil }

    /// Sets `slot` to a copy of `bytes`.
    @inlinable
    public mutating func set(_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        append(slot, bytes)
        // Values replaced by later ones stay behind as garbage; a connection's state takes a
        // value per line, so its buffer is compacted now and then.
        if used > compactionLimit { compact() }
    }

    /// Sets `slot` to a copy of `bytes` at the end of the buffer, without compacting.
    @inlinable @inline(__always)
    mutating func append(_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        let start = used
        if used + bytes.count > storage.count { grow(to: used + bytes.count) }
        if let source = bytes.baseAddress, bytes.count > 0 {
            storage.withUnsafeMutableBufferPointer { ($0.baseAddress! + start).update(from: source, count: bytes.count) }
        }
        used += bytes.count
        setSpan(slot, start: UInt32(start), length: UInt32(bytes.count))
    }

    /// Makes room for at least `size` bytes (doubling, so that appends cost amortized
    /// constant time).
    @usableFromInline
    mutating func grow(to size: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(size, 2 * storage.count) - storage.count))
    }

    /// Makes `slot` absent.
    @inlinable @inline(__always)
    public mutating func clear(_ slot: Int) {
        if span(slot) != nil { setSpan(slot, start: .max, length: 0) }
    }

    /// Gives `target` the value of `source` (they share the bytes).
    @inlinable
    public mutating func copy(_ source: Int, to target: Int) {
        guard let span = span(source) else { return clear(target) }
        setSpan(target, start: UInt32(span.lowerBound), length: UInt32(span.count))
    }

    /// fail2ban's `dict.update`: every slot present in `other` replaces this one's.
    ///
    /// A value equal to the one held is left where it is: a connection's lines repeat
    /// most of its values (its id, its address), and copying them would only grow the
    /// buffer toward its next compaction.
    @inlinable
    public mutating func update(from other: borrowing FieldValues) {
        let slots = min(count, other.count)
        other.storage.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for slot in 0..<slots {
                let header = UnsafeRawPointer(base + 8 * slot)
                let start = header.loadUnaligned(as: UInt32.self)
                if start == .max { continue }
                let length = Int(header.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                let value = UnsafeBufferPointer(start: base + Int(start), count: length)
                if let held = span(slot), held.count == length,
                    length == 0
                        || storage.withUnsafeBufferPointer({ memcmp($0.baseAddress! + held.lowerBound, value.baseAddress!, length) == 0 })
                {
                    continue
                }
                set(slot, value)
            }
        }
    }

    /// Copies the live values into a fresh buffer (values shared by ``copy(_:to:)`` each
    /// get their own copy). Never calls ``set(_:_:)``: a value longer than the slack
    /// would otherwise compact again inside the compaction, without end.
    @usableFromInline
    mutating func compact() {
        var live = 0
        for slot in 0..<count { live += span(slot)?.count ?? 0 }
        var fresh = FieldValues(count: count, reservingBytes: live)
        for slot in 0..<count { withBytes(slot) { bytes in if let bytes { fresh.append(slot, bytes) } } }
        fresh.compactionLimit = 2 * fresh.used + Self.slack
        self = fresh
    }

    /// Every value that took part, by group name.
    public func dictionary(_ layout: FieldLayout) -> [String: String] {
        var result: [String: String] = [:]
        for slot in 0..<count { if let value = self[slot] { result[layout.names[slot]] = value } }
        return result
    }
}

extension FieldValues: Equatable {
    /// Equal when every slot holds the same value (wherever the bytes sit in the buffer).
    public static func == (a: FieldValues, b: FieldValues) -> Bool {
        guard a.count == b.count else { return false }
        for slot in 0..<a.count {
            let same = a.withBytes(slot) { x in b.withBytes(slot) { y in x.map(Array.init) == y.map(Array.init) } }
            if !same { return false }
        }
        return true
    }
}
