/// A long list of files on the command line (a shell glob over a fleet's 20,000 logs, a
/// reduce's thousands of ledgers), taken past the argument parser: it merges every value of
/// a repeated argument into what it holds so far, which takes time quadratic in their
/// number (a minute for 20,000 files). The trailing run of plain arguments beyond its first
/// two is taken off before parsing and handed to the command, which appends it to its
/// list; the first two stay, so that the first may still be the value of the option before
/// it and the list the parser sees is never empty.
enum LongArgumentList {
    /// The commands whose last argument is a list of files.
    static let commands: Set<String> = ["scan", "map", "reduce", "tune", "jails"]
    /// Shorter runs go through the parser as they are.
    static let threshold = 64

    // SAFETY: written once by `main` before any command runs, read by that command only.
    nonisolated(unsafe) private(set) static var trailing: [String] = []

    /// `arguments` (without the program's name) with the trailing run of plain arguments
    /// after its first two taken off into ``trailing`` when it is longer than ``threshold``.
    static func split(_ arguments: [String]) -> [String] {
        guard let command = arguments.first, commands.contains(command) else { return arguments }
        var start = arguments.endIndex
        while start > 1, !arguments[start - 1].hasPrefix("-") || arguments[start - 1] == "-" { start -= 1 }
        guard arguments.endIndex - start > threshold else { return arguments }
        trailing = Array(arguments[(start + 2)...])
        return Array(arguments[...(start + 1)])
    }

    /// `values` (what the parser gave) followed by what was taken past it.
    static func appended(to values: [String]) -> [String] { trailing.isEmpty ? values : values + trailing }
}
