import Analyzer
import Foundation

/// The last look at a firewall file before it is written: every line must have one of
/// the shapes its writer declares (``FirewallFile/shapes``), names from the safe alphabet,
/// addresses canonical and bannable. A line that does not is a bug, and the file is refused.
enum FirewallFileCheck {
    /// A jail's chain or set name (`PREFIX-<token>`; the prefix is letters, digits and `_`).
    static func name(_ prefix: String) -> String { "\(prefix)-[A-Za-z0-9_-]{1,\(25 - prefix.utf8.count)}" }
    /// A jail's nft set token.
    static let nftName = "[A-Za-z0-9_-]{1,48}"
    /// failscan's comment lines.
    static let comment = #"# failscan: [ -~]*"#

    /// Patterns matched against whole lines.
    static func compile(_ patterns: [String]) -> [NSRegularExpression] {
        // The patterns are constants of this file.
        patterns.map { try! NSRegularExpression(pattern: "^" + $0 + "$") }
    }

    /// - Throws: `FirewallError` naming the first line of `text` (a `format` file) that has
    ///   none of the `shapes` its writer declares.
    static func verify(_ text: String, format: OutputFormat, shapes: [NSRegularExpression]) throws(FirewallError) {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let line = String(line)
            let range = NSRange(line.startIndex..., in: line)
            guard let match = shapes.lazy.compactMap({ $0.firstMatch(in: line, range: range) }).first else {
                throw FirewallError(
                    jail: "",
                    reason: "\(format.rawValue) line \(number + 1) is not of a shape failscan writes: \(FirewallJail.printable(line))")
            }
            var addresses: [Substring] = []
            for group in ["address", "addresses"] {
                let r = match.range(withName: group)
                if r.location != NSNotFound, let span = Range(r, in: line) {
                    addresses += line[span].split(separator: ",").map { $0.drop { $0 == " " } }
                }
            }
            for text in addresses {
                guard let address = IPAddress(String(text)), address.description == text, address.isBannable else {
                    throw FirewallError(
                        jail: "", reason: "\(format.rawValue) line \(number + 1): \(text) is not a canonical, bannable address")
                }
            }
        }
    }
}
