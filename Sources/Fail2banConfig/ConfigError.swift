/// A configuration problem, with the file and line it comes from when known.
package struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    package let file: String?
    package let line: Int?
    package let reason: String

    package init(file: String? = nil, line: Int? = nil, _ reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    package var description: String {
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line): \(reason)"
        case let (file?, nil): return "\(file): \(reason)"
        default: return reason
        }
    }
}
