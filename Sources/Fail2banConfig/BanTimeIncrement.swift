import Foundation

/// A jail's `bantime.increment` settings: each new ban of an address that was banned
/// before lasts longer, and its failures count more.
///
/// Corresponds to fail2ban's `server/jail.py setBanTimeExtra` (the formula, multipliers,
/// factor, maxtime, rndtime) and `server/observer.py` (`incrBanTime`, `failureFound`).
package struct BanTimeIncrement: Sendable, Equatable {
    /// The two formulas jail.conf documents (fail2ban evaluates any Python expression;
    /// failscan takes these).
    package enum Formula: Sendable, Equatable {
        /// `ban.Time * (1<<(ban.Count if ban.Count<20 else 20)) * banFactor` (the default).
        case doubling
        /// `ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)`.
        case exponential
    }

    package var factor: Double = 1
    package var formula: Formula = .doubling
    /// `bantime.multipliers`: used instead of the formula when given.
    package var multipliers: [Double] = []
    /// `bantime.maxtime`, seconds.
    package var maxTime: Int? = nil
    /// `bantime.rndtime`, seconds: fail2ban adds `random() * rndtime`; failscan adds a
    /// fraction of it derived from the address and the ban count (the same on every run).
    package var rndTime: Int? = nil
    /// `bantime.overalljails`: fail2ban counts an address's bans over all jails; failscan
    /// counts them per jail (said once as a note).
    package var overallJails = false

    package init() {}

    static let doublingText = "ban.Time*(1<<(ban.Countifban.Count<20else20))*banFactor"
    static let exponentialText = "ban.Time*math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)"

    /// Reads `bantime.formula` (white space ignored); nil for another expression.
    package static func formula(_ text: String) -> Formula? {
        let compact = String(text.filter { !$0.isWhitespace })
        if compact == doublingText { return .doubling }
        if compact == exponentialText { return .exponential }
        return nil
    }

    /// The length of a ban of an address banned `count` times before (count >= 1), for a
    /// jail whose bantime is `base` seconds (fail2ban's `evformula(BanTimeIncr(base, count))`).
    /// - Parameter jitter: a fraction in 0..<1 for `rndtime`.
    package func banTime(base: Int, count: Int, jitter: Double) -> Int {
        let time = Double(base)
        var value: Double
        if !multipliers.isEmpty {
            value = time * factor * multipliers[min(count, multipliers.count - 1)]
        } else {
            switch formula {
            case .doubling: value = max(time, time * Double(1 << min(count, 20)) * factor)
            case .exponential: value = max(time, time * exp(Double(count + 1) * factor) / exp(factor))
            }
        }
        if let maxTime { value = min(value, Double(maxTime)) }
        if let rndTime { value += jitter * Double(rndTime) }
        return Int(value.rounded(.down))
    }
}
