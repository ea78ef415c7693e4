/// A problem with a filter's regex, before or during compilation.
public enum PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The regex is blank (fail2ban: "Cannot add empty regex").
    case empty(String)
    /// PCRE2 refused the translated pattern.
    case compile(role: String, original: String, translated: String, error: PCRE2Error)
    /// Neither the regex nor the prefregex has a failure-id group (fail2ban: "No failure-id group").
    case noFailureID(String)

    /// The regex that failed and why, as one sentence.
    public var description: String {
        switch self {
        case .empty(let regex): return "cannot add empty regex \(regex.debugDescription)"
        case .compile(let role, let original, let translated, let error):
            var text = "\(role) does not compile: \(error.message)"
            if let offset = error.offset { text += " at offset \(offset)" }
            text += "\n  regex:      \(original)\n  translated: \(translated)"
            return text
        case .noFailureID(let regex):
            return "no failure-id group (<HOST>, <ADDR>, <F-ID>...) in \(regex)"
        }
    }
}
