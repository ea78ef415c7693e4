import Testing

@testable import Matcher

/// `FieldValues` keeps values of any length, and its buffer stays bounded by what it holds
/// however often a connection's values are replaced (issue 22: a value over 2 KiB made
/// `set` and `compact` call each other until the stack was gone).
@Suite struct FieldValuesTests {
    func set(_ values: inout FieldValues, _ slot: Int, _ text: [UInt8]) {
        text.withUnsafeBufferPointer { values.set(slot, $0) }
    }

    @Test(arguments: [0, 1, 2047, 2048, 3000, 70_000, 1 << 20, 4 << 20])
    func valuesOfAnyLengthAreKept(_ length: Int) {
        var values = FieldValues(count: 3)
        let long = [UInt8](repeating: 0x41, count: length)
        set(&values, 0, Array("root".utf8))
        set(&values, 1, long)
        set(&values, 2, long + [0x42])
        set(&values, 0, long)
        #expect(values.withBytes(0) { $0.map(Array.init) } == long)
        #expect(values.withBytes(1) { $0.map(Array.init) } == long)
        #expect(values.withBytes(2) { $0.map(Array.init) } == long + [0x42])
    }

    @Test func replacedValuesDoNotAccumulate() {
        var values = FieldValues(count: 4)
        var reference: [[UInt8]?] = [nil, nil, nil, nil]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for step in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let slot = Int(state >> 60) % 4
            // Mostly short values, now and then one of up to 64 KiB.
            let length = step % 97 == 0 ? Int(state >> 40) % 65_536 : Int(state >> 56)
            let value = [UInt8](repeating: UInt8(truncatingIfNeeded: step), count: length)
            if step % 13 == 0 {
                values.clear(slot)
                reference[slot] = nil
            } else if step % 17 == 0 {
                values.copy(slot, to: (slot + 1) % 4)
                reference[(slot + 1) % 4] = reference[slot]
            } else {
                set(&values, slot, value)
                reference[slot] = value
            }
            let live = reference.reduce(0) { $0 + ($1?.count ?? 0) }
            #expect(values.storage.count <= 32 + 2 * (live + 4 * 65_536) + FieldValues.slack + 65_536)
        }
        for slot in 0..<4 { #expect(values.withBytes(slot) { $0.map(Array.init) } == reference[slot]) }
    }

    /// Many slots, each replaced by long values over and over: every value kept.
    @Test func manySlotsOfLongValues() {
        var values = FieldValues(count: 500)
        for round in 0..<3 {
            for slot in 0..<500 {
                set(&values, slot, [UInt8](repeating: UInt8(truncatingIfNeeded: slot + round), count: 4096 + slot))
            }
        }
        for slot in 0..<500 {
            #expect(
                values.withBytes(slot) { $0.map(Array.init) } == [UInt8](repeating: UInt8(truncatingIfNeeded: slot + 2), count: 4096 + slot)
            )
        }
        #expect(values.storage.count < 4 * 500 * (4096 + 500) + FieldValues.slack)
    }
}
