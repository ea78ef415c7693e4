import Fail2banConfig
import Matcher

/// What a filter does with one line (`failscan regex --explain`): the date template and
/// the date it cut, the prefregex and its content, each failregex's captures or how far
/// into the content it got, the ignoreregexes that matched.
package struct LineExplanation: Encodable, Sendable {
    package struct DateCut: Encodable, Sendable {
        package var text: String
        package var template: String
        /// Unix time; nil when the template matched an empty date (the last date is used).
        package var time: Int?
    }
    package struct Prefregex: Encodable, Sendable {
        package var matched: Bool
        package var groups: [String: String]
    }
    package struct Failregex: Encodable, Sendable {
        package var number: Int
        package var regex: String
        package var matched: Bool
        package var groups: [String: String]?
        /// Bytes of the content the regex got through (all of them when it matched).
        package var reached: Int
        /// The whole content fits the regex's beginning: it needs more text.
        package var needsMore: Bool
        /// When it did not match: the first literal the regex requires that the content
        /// does not have (several: one of them), what a greedy group before it looked for.
        package var missing: [String]?
    }
    package var line: String
    package var date: DateCut?
    package var prefregex: Prefregex?
    package var content: String
    package var failregexes: [Failregex]
    package var ignoredBy: [Int]

    /// The way of `text` (its first line) through `compiled`'s date detector and every regex.
    package init(_ text: String, _ compiled: CompiledFilter) {
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
        let contentBytes = Array(explanation.content.utf8)
        let patterns = compiled.matcher.translatedPatterns.suffix(compiled.config.patterns.failregex.count)
        failregexes = explanation.failregexes.enumerated().map { index, result in
            var missing: [String]? = nil
            if result.matched == nil {
                let required = LiteralExtraction.requiredInOrder(of: patterns[patterns.startIndex + index])
                missing = required.first { set in !set.contains { contentBytes.contains(subsequence: $0) } }?.map {
                    String(decoding: $0, as: UTF8.self)
                }
            }
            return Failregex(
                number: index + 1, regex: compiled.config.patterns.failregex[index], matched: result.matched != nil,
                groups: result.matched, reached: min(result.reached, length),
                needsMore: result.matched == nil && result.reached > length, missing: missing)
        }
        self.line = text
        self.date = date
        prefregex = explanation.prefregex.map { .init(matched: $0.matched, groups: $0.groups) }
        content = explanation.content
        ignoredBy = explanation.ignoredBy
    }
}
