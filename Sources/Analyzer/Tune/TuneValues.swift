import Fail2banConfig
import Foundation

/// The values of a tuning grid as `failscan tune` takes them: comma-separated lists of
/// maxretry, findtime and bantime (units as in jail.conf) and increment (on, off); what is
/// not given is the jail's own.
package struct TuneValues: Sendable {
    package var maxRetry: String?
    package var findTime: String?
    package var banTime: String?
    package var increment: String?

    package init(maxRetry: String?, findTime: String?, banTime: String?, increment: String?) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.increment = increment
    }

    /// A list that does not parse: the option's name, and what is wrong ("10x: not a valid value").
    package struct Problem: Error, Sendable {
        package let option: String
        package let message: String
    }

    /// The settings of the grid, every combination (maxretry varying slowest).
    /// - Throws: ``Problem`` for a list that is empty or holds a value out of range.
    package func grid(for jail: JailConfig) throws(Problem) -> [TuneSetting] {
        let lists = try parsed()
        return TuneSetting.grid(
            maxRetry: lists.maxRetry ?? [jail.maxRetry], findTime: lists.findTime ?? [jail.findTime],
            banTime: lists.banTime ?? [jail.banTime], increment: lists.increment ?? [jail.banTimeIncrement != nil])
    }

    /// How many settings the grid has (checked before the jail is read).
    /// - Throws: ``Problem`` as ``grid(for:)``.
    package func size() throws(Problem) -> Int {
        let lists = try parsed()
        return [lists.maxRetry?.count, lists.findTime?.count, lists.banTime?.count, lists.increment?.count].reduce(1) { $0 * ($1 ?? 1) }
    }

    /// The lists given, parsed (nil: not given, the jail's own value).
    func parsed() throws(Problem) -> (maxRetry: [Int]?, findTime: [Int]?, banTime: [Int]?, increment: [Bool]?) {
        (
            try maxRetry.map { text throws(Problem) in try Self.list(text, "maxretry", Self.retries) },
            try findTime.map { text throws(Problem) in try Self.list(text, "findtime", Self.findTime) },
            try banTime.map { text throws(Problem) in try Self.list(text, "bantime", Self.banTime) },
            try increment.map { text throws(Problem) in try Self.list(text, "increment", Self.onOff) }
        )
    }

    /// The values of a comma-separated list, each parsed by `parse`.
    static func list<T>(_ text: String, _ name: String, _ parse: (String) -> T?) throws(Problem) -> [T] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw Problem(option: name, message: "\(text): no value") }
        var values: [T] = []
        for item in items {
            guard let value = parse(item) else { throw Problem(option: name, message: "\(item): not a valid value") }
            values.append(value)
        }
        return values
    }

    static func retries(_ text: String) -> Int? { Int(text).flatMap { (1...JailConfig.maxRetryLimit).contains($0) ? $0 : nil } }
    static func findTime(_ text: String) -> Int? { Duration.seconds(text).flatMap { $0 > 0 ? $0 : nil } }
    static func banTime(_ text: String) -> Int? { Duration.seconds(text).flatMap { $0 > 0 || $0 == -1 ? $0 : nil } }
    static func onOff(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: return nil
        }
    }
}
