import Synchronization

/// Progress on standard error while a long scan runs, only when stderr is a terminal.
enum Progress {
    static let bytes = Atomic<Int>(0)

    static func makeReporter() -> (@Sendable (Int) -> Void)? {
        guard Diagnostics.isTerminal else { return nil }
        return { delta in
            let total = bytes.wrappingAdd(delta, ordering: .relaxed).newValue
            Diagnostics.write("\rfailscan: \(total >> 20) MiB scanned")
        }
    }

    static func finish() {
        if Diagnostics.isTerminal, bytes.load(ordering: .relaxed) > 0 { Diagnostics.write("\r\u{1b}[K") }
    }
}
