import Fail2banConfig
import Matcher

/// What a filter does with one line (`failscan regex --explain`): the date template and
/// the date it cut, the prefregex and its content, each failregex's captures or how far
/// into the content it got, the ignoreregexes that matched.
public struct LineExplanation: Encodable, Sendable {
    public struct DateCut: Encodable, Sendable {
        public var text: String
        public var template: String
        /// Unix time; nil when the template matched an empty date (the last date is used).
        public var time: Int?
    }
    public struct Prefregex: Encodable, Sendable {
        public var matched: Bool
        public var groups: [String: String]
    }
    public struct Failregex: Encodable, Sendable {
        public var number: Int
        public var regex: String
        public var matched: Bool
        public var groups: [String: String]?
        /// Bytes of the content the regex got through (all of them when it matched).
        public var reached: Int
        /// The whole content fits the regex's beginning: it needs more text.
        public var needsMore: Bool
    }
    public var line: String
    public var date: DateCut?
    public var prefregex: Prefregex?
    public var content: String
    public var failregexes: [Failregex]
    public var ignoredBy: [Int]

    /// The way of `text` (its first line) through `compiled`'s date detector and every regex.
    public init(_ text: String, _ compiled: CompiledFilter) {
        let line = Array(text.utf8.prefix { $0 != 10 && $0 != 13 })
        var subject = line
        var date: DateCut? = nil
        line.withUnsafeBufferPointer { bytes in
            if let (template, match) = compiled.detector.explain(bytes, scratch: compiled.detector.makeScratch()) {
                date = .init(
                    text: String(decoding: bytes[match.range], as: UTF8.self), template: template,
                    time: match.usesLastDate ? nil : match.time)
                subject = Array(bytes[..<match.range.lowerBound]) + Array(bytes[match.range.upperBound...])
            }
        }
        subject.append(10)
        let matcher = compiled.matcher
        let explanation = subject.withUnsafeBufferPointer { matcher.explain(subject: $0, scratch: matcher.makeScratch()) }
        let length = explanation.content.utf8.count
        failregexes = explanation.failregexes.enumerated().map { index, result in
            Failregex(
                number: index + 1, regex: compiled.config.patterns.failregex[index], matched: result.matched != nil,
                groups: result.matched, reached: min(result.reached, length),
                needsMore: result.matched == nil && result.reached > length)
        }
        self.line = text
        self.date = date
        prefregex = explanation.prefregex.map { .init(matched: $0.matched, groups: $0.groups) }
        content = explanation.content
        ignoredBy = explanation.ignoredBy
    }
}
