import CMemSearch

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are `other`'s, byte for byte: the inlined C comparison of
    /// `CMemSearch` (ids and names are short; a generic `elementsEqual` cost more than the
    /// comparison itself).
    @inline(__always)
    func equals(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard let base = baseAddress, let otherBase = other.baseAddress else { return true }
        return cmemsearch_equal(base, otherBase, count) != 0
    }
}

extension [UInt8] {
    /// Whether these bytes are `bytes`, byte for byte (``Swift/UnsafeBufferPointer/equals(_:)``).
    @inline(__always)
    func equals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withUnsafeBufferPointer { $0.equals(bytes) }
    }
}
