/// JSON text appended to a byte buffer by hand: the bytes `JSONEncoder` writes (with
/// `.withoutEscapingSlashes`) for integers, booleans, strings and their arrays, at a
/// fraction of its cost. Callers write object keys in sorted order themselves.
package enum JSONText {
    /// Appends `key` quoted and a colon (`"key":`); `key` needs no escaping.
    @inline(__always)
    package static func key(_ key: StaticString, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    package static func int(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(48 + value))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // up to 20 digits, filled from the end
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[24 - count] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    package static func bool(_ value: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: value ? [116, 114, 117, 101] : [102, 97, 108, 115, 101])
    }

    package static func ints(_ values: [Int], to out: inout [UInt8]) { array(values, to: &out, int) }

    package static func strings(_ values: [String], to out: inout [UInt8]) { array(values, to: &out, string) }

    /// `[a,b,...]`, each element written by `element`.
    @inline(__always)
    static func array<T>(_ values: [T], to out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (n, value) in values.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            element(value, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A JSON string: quotes, backslashes and control characters escaped as `JSONEncoder`
    /// escapes them, everything else (slashes, non-ASCII) as is.
    package static func string(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x08: out.append(contentsOf: [92, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [92, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case ..<0x20:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONText {
    /// Writes an object's members in the order given (callers give keys sorted, as
    /// `JSONEncoder`'s `.sortedKeys` does), with the commas between them.
    package struct Object {
        var bytes: [UInt8]
        var empty = true

        @inline(__always)
        mutating func next() {
            if !empty { bytes.append(UInt8(ascii: ",")) }
            empty = false
        }

        @inline(__always)
        mutating func member(_ key: StaticString) {
            next()
            JSONText.key(key, to: &bytes)
        }

        /// A key known only at run time (escaped like any string).
        @inline(__always)
        mutating func member(_ key: String) {
            next()
            JSONText.string(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }

        package mutating func int(_ key: StaticString, _ value: Int) {
            member(key)
            JSONText.int(value, to: &bytes)
        }

        package mutating func int(_ key: String, _ value: Int) {
            member(key)
            JSONText.int(value, to: &bytes)
        }

        /// An integer, or `null`.
        package mutating func int(_ key: StaticString, _ value: Int?) {
            member(key)
            if let value { JSONText.int(value, to: &bytes) } else { bytes.append(contentsOf: [110, 117, 108, 108]) }
        }

        package mutating func bool(_ key: StaticString, _ value: Bool) {
            member(key)
            JSONText.bool(value, to: &bytes)
        }

        package mutating func string(_ key: StaticString, _ value: String) {
            member(key)
            JSONText.string(value, to: &bytes)
        }

        package mutating func string(_ key: String, _ value: String) {
            member(key)
            JSONText.string(value, to: &bytes)
        }

        package mutating func ints(_ key: StaticString, _ values: [Int]) {
            member(key)
            JSONText.ints(values, to: &bytes)
        }

        package mutating func strings(_ key: StaticString, _ values: [String]) {
            member(key)
            JSONText.strings(values, to: &bytes)
        }

        package mutating func strings(_ key: String, _ values: [String]) {
            member(key)
            JSONText.strings(values, to: &bytes)
        }

        /// A nested object.
        package mutating func object(_ key: StaticString, _ body: (inout Object) -> Void) {
            member(key)
            JSONText.object(to: &bytes, body)
        }

        /// An array of objects, one per element of `items`.
        package mutating func objects<S: Sequence>(_ key: StaticString, _ items: S, _ body: (inout Object, S.Element) -> Void) {
            member(key)
            bytes.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                JSONText.object(to: &bytes) { body(&$0, item) }
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// Appends one object, its members written by `body`.
    @inline(__always)
    package static func object(to out: inout [UInt8], _ body: (inout Object) -> Void) {
        var object = Object(bytes: [])
        swap(&object.bytes, &out) // the buffer moves in and out: no copy
        object.bytes.append(UInt8(ascii: "{"))
        body(&object)
        object.bytes.append(UInt8(ascii: "}"))
        swap(&object.bytes, &out)
    }
}
