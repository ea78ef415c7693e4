import Foundation
import LogSource

/// What fail2ban-regex's LOG argument names: a file, `-` for standard input, a glob of
/// files (failscan's addition), or else a line of log, read from memory.
package struct RegexLog: Sendable {
    /// The inputs to read, in order.
    package let inputs: [LogInput]
    /// The argument is a line of log, not a file.
    package let isLine: Bool

    /// - Parameter rotated: add the log's rotated siblings (log.1, log.2.gz), oldest first.
    package init(_ argument: String, rotated: Bool) {
        let exists = FileManager.default.fileExists(atPath: argument)
        let globbed =
            argument.contains(where: { "*?[".contains($0) }) && !exists ? RotatedSet.files(matching: [argument], rotated: rotated) : []
        isLine = argument != "-" && globbed.isEmpty && !exists
        if argument == "-" {
            inputs = [.file("/dev/stdin")]
        } else if !globbed.isEmpty {
            inputs = globbed.map(LogInput.file)
        } else if !exists {
            inputs = [.memory(name: "-", bytes: Array((argument + "\n").utf8))]
        } else if rotated {
            inputs = RotatedSet.files(matching: [argument], rotated: true).map(LogInput.file)
        } else {
            inputs = [.file(argument)]
        }
    }
}
