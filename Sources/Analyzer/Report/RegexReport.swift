import LogSource
import Matcher

/// What fail2ban-regex reports on a filter and some logs, counted as it counts: the
/// lines tested (not empty, not a `#` comment), each ignored (an ignoreregex or an
/// `<F-NOFAIL>` match), matched (a failure, even one still waiting for its id) or missed;
/// the hits of the prefregex, of each failregex (every failregex that matches a line is
/// counted, fail2ban-regex's `checkAllRegex`) and ignoreregex; the date templates' hits.
///
/// Corresponds to fail2ban's `client/fail2banregex.py` (`Fail2banRegex.testRegex`,
/// `process`, `printStats`, `LineStats`). ``RegexReporter`` fills it.
package struct RegexReport: Sendable {
    package var lines = 0
    package var ignored = 0
    package var matched = 0
    package var missed: Int { lines - ignored - matched }
    /// Lines the prefregex matched (nil: the filter has none).
    package var prefregexHits: Int?
    package var failregexHits: [Int]
    package var ignoreregexHits: [Int]
    /// Per date template (``templateNames``), the lines whose date it found.
    package var templateHits: [Int]
    package let templateNames: [String]
    /// The templates in the order fail2ban's detector has them at the end (it moves a
    /// template up as it gets hits), which its report follows.
    package var templateOrder: DateTemplateOrder
    /// With `-v` (``RegexReporter/Options/verbose``): per failregex, each failure it found,
    /// in order, as fail2ban-regex -v lists them under it.
    package var failregexFound: [[FoundFailure]]
    /// With `-v`: the prefregex's groups on the first lines it matched (as many as lines are
    /// printed), and whether there were more (fail2ban-regex prints "...").
    package var prefregexGroups: [[Group]] = []
    package var prefregexGroupsCut = false
    /// The lines kept for printing, as ``RegexReporter/Options`` asks.
    package var matchedLines: [String] = []
    package var ignoredLines: [String] = []
    package var missedLines: [String] = []
    /// Lines given up on because a regex hit PCRE2's limits (counted as missed).
    package var limitHits = 0
    /// Uncompressed bytes read.
    package var bytes = 0
    /// Files that could be read.
    package var filesRead = 0
    package var warnings: [ScanError] = []
    /// Files whose last line had no newline and was left out, with its length.
    package var unterminated: [(path: String, bytes: Int)] = []

    init(failregexes: Int, ignoreregexes: Int, prefregex: Bool, templateNames: [String]) {
        failregexHits = Array(repeating: 0, count: failregexes)
        ignoreregexHits = Array(repeating: 0, count: ignoreregexes)
        prefregexHits = prefregex ? 0 : nil
        self.templateNames = templateNames
        templateHits = Array(repeating: 0, count: templateNames.count)
        templateOrder = DateTemplateOrder(count: templateNames.count)
        failregexFound = Array(repeating: [], count: failregexes)
    }

    /// One failure a failregex found, as fail2ban-regex -v lists it.
    package struct FoundFailure: Sendable {
        /// The failure id; nil while it waits for one (Python's `None`).
        package var id: String?
        /// The line's time (nil: none yet; fail2ban-regex prints the time of the run then).
        package var time: Int?
        /// fail2ban-regex's "(multiple regex matched)": two failures of the line came before.
        package var multiple: Bool
    }

    /// A prefregex group as Python's `groupdict()` holds it after fail2ban's `getGroups`.
    package struct Group: Sendable, Equatable {
        package var name: String
        package var value: Value
        package enum Value: Sendable, Equatable {
            case none
            case text(String)
            /// A `<F-TUPLE_…>` group's target: the values gathered.
            case tuple([String?])
        }
    }

    /// fail2ban's `Regex.getGroups` over `groupdict()` (groups in the pattern's order):
    /// an `alt_NAME` group's value fills an empty NAME, `tuple_NAME` groups gather into a
    /// tuple under NAME (a name absent from the pattern is added last).
    static func pythonGroups(_ groups: [(name: String, value: String?)]) -> [Group] {
        var out = groups.map { Group(name: $0.name, value: $0.value.map(Group.Value.text) ?? .none) }
        func index(_ name: String) -> Int {
            if let k = out.firstIndex(where: { $0.name == name }) { return k }
            out.append(Group(name: name, value: .none))
            return out.count - 1
        }
        // fail2ban's COMPLNAME_CRE: (alt_|tuple_)NAME(_N)?, its pairs sorted by group name.
        var pairs: [(group: String, alternate: Bool, target: String)] = []
        for (name, _) in groups where name.count > 4 {
            for (prefix, alternate) in [("alt_", true), ("tuple_", false)] where name.hasPrefix(prefix) {
                var tag = Substring(name.dropFirst(prefix.count))
                if let underscore = tag.lastIndex(of: "_"), tag.index(after: underscore) < tag.endIndex,
                    tag[tag.index(after: underscore)...].allSatisfy({ $0.isASCII && $0.isNumber })
                {
                    tag = tag[..<underscore]
                }
                pairs.append((name, alternate, Fail2banDialect.groupName(forTag: String(tag))))
            }
        }
        for pair in pairs.sorted(by: { $0.group < $1.group }) {
            let value = out.first { $0.name == pair.group }?.value ?? .none
            let k = index(pair.target)
            if pair.alternate {
                if case .text(let v) = value, !v.isEmpty {
                    switch out[k].value {
                    case .none: out[k].value = value
                    case .text(let t) where t.isEmpty: out[k].value = value
                    default: break
                    }
                }
            } else {
                let v: String? = if case .text(let v) = value { v } else { nil }
                switch out[k].value {
                case .tuple(let t): out[k].value = .tuple(t + [v])
                case .text(let t): out[k].value = .tuple([t, v])
                case .none: out[k].value = .tuple([nil, v])
                }
            }
        }
        return out
    }
}
