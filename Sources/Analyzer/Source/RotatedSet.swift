import Foundation

/// Orders log files the way logrotate names them, oldest first: `mail.log.3.gz`,
/// `mail.log.2.gz`, `mail.log.1`, `mail.log`. Files of different logs keep the order
/// in which their first member was given.
public enum RotatedSet {
    /// The log a file belongs to and its rotation number (0 for the live file).
    public static func rotation(of path: String) -> (base: String, number: Int) {
        var name = path
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if let dot = name.lastIndex(of: "."), let n = Int(name[name.index(after: dot)...]), n >= 0 {
            return (String(name[..<dot]), n)
        }
        return (name, 0)
    }

    /// `paths` in time order, oldest first, per log.
    public static func timeOrder(_ paths: [String]) -> [String] {
        var groups: [String: [(String, Int)]] = [:]
        var order: [String] = []
        for path in paths {
            let (base, number) = rotation(of: path)
            if groups[base] == nil { order.append(base) }
            groups[base, default: []].append((path, number))
        }
        return order.flatMap { base in groups[base]!.sorted { $0.1 > $1.1 }.map(\.0) }
    }
}
