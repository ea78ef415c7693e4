#if canImport(Glibc)
    import Glibc
#endif

/// Messages on standard error.
enum Diagnostics {
    static func error(_ message: String) { write("failscan: error: \(message)\n") }
    static func warning(_ message: String) { write("failscan: warning: \(message)\n") }
    static func note(_ message: String) { write("failscan: note: \(message)\n") }
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
    static var isTerminal: Bool { isatty(2) == 1 }
}
