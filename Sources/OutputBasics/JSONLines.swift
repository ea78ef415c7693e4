import Foundation

/// failscan's JSON: sorted keys, slashes as they are, one object a line.
package struct JSONLines {
    let encoder: JSONEncoder

    package init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// `value` as one line of JSON, newline included (plain values cannot fail to encode).
    package func line(_ value: some Encodable) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self) + "\n"
    }
}
