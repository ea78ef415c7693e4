import Analyzer
import Fail2banConfig
import Matcher

/// The regex report as JSON (`failscan regex --json`'s `{"report": ...}`): fail2ban-regex's
/// sections as numbers.
package struct RegexReportJSON: Encodable, Sendable {
    struct Hits: Encodable {
        var number: Int
        var regex: String
        var hits: Int
    }
    struct TemplateHits: Encodable {
        var template: String
        var hits: Int
    }
    var lines: Int
    var ignored: Int
    var matched: Int
    var missed: Int
    var prefregex: Int?
    var failregex: [Hits]
    var ignoreregex: [Hits]
    var dateTemplates: [TemplateHits]
    var bytes: Int
    var seconds: Double

    package init(_ report: RegexReport, _ compiled: CompiledFilter, seconds: Double) {
        let patterns = compiled.config.patterns
        lines = report.lines
        ignored = report.ignored
        matched = report.matched
        missed = report.missed
        prefregex = report.prefregexHits
        failregex = patterns.failregex.indices.map {
            Hits(number: $0 + 1, regex: patterns.failregex[$0], hits: report.failregexHits[$0])
        }
        ignoreregex = patterns.ignoreregex.indices.map {
            Hits(number: $0 + 1, regex: patterns.ignoreregex[$0], hits: report.ignoreregexHits[$0])
        }
        dateTemplates = report.templateNames.indices.filter { report.templateHits[$0] > 0 }.map {
            TemplateHits(template: report.templateNames[$0], hits: report.templateHits[$0])
        }
        bytes = report.bytes
        self.seconds = seconds
    }
}
