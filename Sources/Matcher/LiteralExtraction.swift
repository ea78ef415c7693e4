/// Finds literals that every match of a PCRE2 pattern must contain.
///
/// The result is a set of byte strings such that any text the pattern matches contains
/// at least one of them: a required-literal set, like ripgrep's inner literals. When that
/// cannot be proven (case-insensitive flags, verbs, nothing longer than `minimumLength`),
/// extraction declines and says why, like `InnerLiterals::none()`.
///
/// The parser understands the PCRE2 syntax fail2ban filters use; anything it does not
/// understand is treated as "matches something unknown", which can only make the result
/// less selective, never wrong.
package enum LiteralExtraction {
    /// The outcome of extraction.
    package enum Result: Sendable, Equatable {
        /// Every match contains at least one of these literals.
        case required([[UInt8]])
        /// No required literal could be proven; the reason is for diagnostics.
        case declined(String)

        package var literals: [[UInt8]]? {
            if case .required(let set) = self { return set }
            return nil
        }
    }

    /// Literals shorter than this are useless as a prefilter (they hit most lines).
    package static let minimumLength = 3
    static let maxExactStrings = 64
    static let maxExactLength = 128

    /// Extracts the best required-literal set of `pattern`.
    package static func requiredLiterals(of pattern: String) -> Result { analyze(pattern).required }

    /// Both analyses of `pattern` from one parse: its required literals and, when it is
    /// `^`-anchored, the strings every match starts with (``anchoredPrefixes(of:)``).
    package static func analyze(_ pattern: String) -> (required: Result, prefixes: [[UInt8]]?) {
        let all = analyzeAll(pattern)
        return (all.required, all.prefixes)
    }

    /// ``analyze(_:)`` and ``requiredInOrder(of:)`` from one parse.
    /// - Parameter literalRuns: grow the running strings by plain literal bytes in place
    ///   (false: every byte through the general product, as the tests compare).
    package static func analyzeAll(_ pattern: String, literalRuns: Bool = true) -> (
        required: Result, prefixes: [[UInt8]]?, inOrder: [[[UInt8]]]
    ) {
        var parser = Parser(Array(pattern.utf8))
        parser.collects = true
        parser.literalRuns = literalRuns
        let info: Info
        do { info = try parser.parseAlternation() } catch { return (.declined(error.reason), nil, []) }
        var prefixes: [[UInt8]]? = nil
        if parser.atEnd, !parser.sawMultiline, info.anchored, let starts = info.starts, !starts.isEmpty, !starts.contains([]) {
            prefixes = starts
        }
        let inOrder = parser.atEnd && parser.topLevelAlternatives == 1 ? parser.collected.sorted { $0.at < $1.at }.map(\.strings) : []
        guard let best = info.best, let set = best.strings, best.score.minLength >= minimumLength else {
            return (.declined("no literal of at least \(minimumLength) bytes is required by every match"), prefixes, inOrder)
        }
        return (.required(set.sorted { $0.lexicographicallyPrecedes($1) }), prefixes, inOrder)
    }

    /// Every literal set the pattern's top level requires, in the order they come in it
    /// (each: every match contains one of its strings); empty when the pattern is an
    /// alternation at its top or is not understood. `failscan regex --explain` names the
    /// first one a line lacks: what a greedy group before it never reached.
    package static func requiredInOrder(of pattern: String) -> [[[UInt8]]] { analyzeAll(pattern).inOrder }

    /// The strings one of which every match of a `^`-anchored `pattern` starts with, or nil
    /// when the pattern is not anchored at the subject's start or its start is not known
    /// (an unknown atom first, an optional first part, `(?m)`). A matcher can skip the
    /// pattern on a subject that starts with none of them (issue 10: sshd's 20 anchored
    /// failregexes were each run through PCRE2 on every candidate line).
    package static func anchoredPrefixes(of pattern: String) -> [[UInt8]]? { analyze(pattern).prefixes }

    /// How rare a literal set is in log text, by its most common literal: the sum of its
    /// bytes' rarity (``ByteFrequency``), so longer literals and rarer bytes score higher.
    /// A prefilter is as selective as its weakest literal.
    package static func rarity(of set: [[UInt8]]) -> Int {
        set.map { literal in literal.reduce(0) { $0 + 256 - Int(ByteFrequency.rank[Int($1)]) } }.min() ?? 0
    }

    struct Decline: Error { let reason: String }

    /// A set of strings (nil = unknown) and its quality as a prefilter.
    struct LiteralSet {
        var strings: [[UInt8]]?
        var score: (minLength: Int, count: Int) {
            guard let strings, !strings.isEmpty else { return (0, Int.max) }
            return (strings.map(\.count).min() ?? 0, strings.count)
        }
        func isBetter(than other: LiteralSet?) -> Bool {
            guard let other else { return strings != nil }
            let a = score, b = other.score
            if a.minLength != b.minLength { return a.minLength > b.minLength }
            return a.count < b.count
        }
    }

    /// What is known about a sub-pattern.
    struct Info {
        /// All strings it can match, when that set is finite and small.
        var exact: [[UInt8]]?
        /// The best required set found inside it.
        var best: LiteralSet?
        /// For `x+` / `x{n,}` with exact `x`: the text before and after the repetition
        /// touches one copy of `x`, so `prefix + x` and `x + suffix` are required.
        var repeated: [[UInt8]]? = nil
        /// Strings one of which starts every match (nil: unknown).
        var prefix: [[UInt8]]? = nil
        /// Whether every match starts where `^` matched, before anything is consumed.
        var anchored = false

        /// What every match starts with: all of it when it is exact.
        var starts: [[UInt8]]? { exact ?? prefix }

        static let empty = Info(exact: [[]], best: nil)
        static let unknown = Info(exact: nil, best: nil)

        mutating func offer(_ candidate: LiteralSet) {
            guard let strings = candidate.strings, !strings.contains(where: \.isEmpty) else { return }
            if candidate.isBetter(than: best) { best = candidate }
        }
    }

    struct Parser {
        let b: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { b = bytes }

        var atEnd: Bool { i >= b.count }

        /// Inside `(?i)`: letters match either case, so a letter is an unknown byte here
        /// (the rest of the pattern still gives literals; nothing is declined for it).
        var caseless = false

        /// Branches of the alternation parsed last (a conditional group needs to know
        /// whether it has an else branch).
        var lastBranchCount = 0

        /// Whether `(?m)` (or another inline `m`) was seen: `^` then matches after line breaks.
        var sawMultiline = false

        /// Plain literal bytes extend the running strings and the head in place
        /// (``plainLiteral``): the general product made several arrays per byte (most of a
        /// filter's literal analysis, itself a tenth of sshd's start-up).
        var literalRuns = true

        /// For ``requiredInOrder(of:)``: the sets the top level requires, each with where it
        /// begins in the pattern; the group depth; the top level's branches.
        var collects = false
        var collected: [(at: Int, strings: [[UInt8]])] = []
        var depth = 0
        var topLevelAlternatives = 0

        mutating func collect(_ set: LiteralSet?, at position: Int) {
            guard collects, depth == 0, let strings = set?.strings, !strings.isEmpty, !strings.contains(where: { $0.count < 2 }) else {
                return
            }
            collected.append((position, strings))
        }

        mutating func parseAlternation() throws(Decline) -> Info {
            var branches: [Info] = [try parseConcatenation()]
            while !atEnd, b[i] == UInt8(ascii: "|") {
                i += 1
                branches.append(try parseConcatenation())
            }
            lastBranchCount = branches.count
            if depth == 0 { topLevelAlternatives = branches.count }
            if branches.count == 1 { return branches[0] }
            var result = Info.unknown
            result.anchored = branches.allSatisfy(\.anchored)
            if branches.allSatisfy({ $0.starts != nil }) {
                var starts: [[UInt8]] = []
                for branch in branches { for s in branch.starts! where !starts.contains(s) { starts.append(s) } }
                if starts.count <= LiteralExtraction.maxExactStrings { result.prefix = starts }
            }
            if branches.allSatisfy({ $0.exact != nil }) {
                var union: [[UInt8]] = []
                for branch in branches { for s in branch.exact! where !union.contains(s) { union.append(s) } }
                if union.count <= LiteralExtraction.maxExactStrings { result.exact = union }
            }
            // Required: one set per branch, unioned; any branch without one spoils it.
            var union: [[UInt8]] = []
            for branch in branches {
                var own = branch.best
                if let exact = branch.exact {
                    let candidate = LiteralSet(strings: exact)
                    if !exact.contains(where: \.isEmpty), candidate.isBetter(than: own) { own = candidate }
                }
                guard let strings = own?.strings else {
                    union = []
                    break
                }
                for s in strings where !union.contains(s) { union.append(s) }
            }
            if !union.isEmpty { result.offer(LiteralSet(strings: union)) }
            return result
        }

        mutating func parseConcatenation() throws(Decline) -> Info {
            var result = Info.empty
            var running: [[UInt8]]? = [[]]
            var allExact = true
            // The exact start of the concatenation (its prefix), until the first inexact atom.
            var head: [[UInt8]] = [[]]
            var headDone = false
            var anchored = false
            // Where the running exact text began (for ``requiredInOrder(of:)``).
            var runningStart = i
            func flush(_ result: inout Info, _ running: [[UInt8]]?) {
                if let running {
                    result.offer(LiteralSet(strings: running))
                    collect(LiteralSet(strings: running), at: runningStart)
                }
            }
            while !atEnd, b[i] != UInt8(ascii: "|"), b[i] != UInt8(ascii: ")") {
                let atomStart = i
                // A plain literal byte: what the general path below does with its atom
                // (exact [[c]], nothing else known), done in place. The head grows by it
                // unless finished; when some of its strings have reached 16 bytes and some
                // not, the general path decides (a grown string may equal a full one).
                if literalRuns, let c = plainLiteral(),
                    headDone
                        || head.count <= LiteralExtraction.maxExactStrings
                            && (head.allSatisfy { $0.count < 16 } || head.allSatisfy { $0.count >= 16 })
                {
                    i += 1
                    if !headDone, head.first!.count < 16 { for k in head.indices { head[k].append(c) } }
                    if let current = running, current.count <= LiteralExtraction.maxExactStrings,
                        !current.contains(where: { $0.count >= LiteralExtraction.maxExactLength })
                    {
                        for k in current.indices { running![k].append(c) }
                    } else {
                        flush(&result, running)
                        running = [[c]]
                        runningStart = atomStart
                    }
                    continue
                }
                var atom = try parseAtom()
                atom = try parseQuantifier(atom)
                if atom.exact == nil { collect(atom.best, at: atomStart) }
                if !headDone {
                    if atom.anchored, head == [[]] { anchored = true }
                    let starts = atom.exact ?? atom.starts
                    var product: [[UInt8]] = []
                    if let starts, head.count * starts.count <= LiteralExtraction.maxExactStrings {
                        for p in head {
                            for s in starts where p.count < 16 {
                                let joined = p + s
                                if !product.contains(joined) { product.append(joined) }
                            }
                            if p.count >= 16, !product.contains(p) { product.append(p) }
                        }
                    }
                    if atom.exact == nil || starts == nil || product.isEmpty { headDone = true }
                    if !product.isEmpty { head = product }
                }
                if let best = atom.best { result.offer(best) }
                if atom.exact == nil { allExact = false }
                if let repeated = atom.repeated {
                    if let current = running, current.count * repeated.count <= LiteralExtraction.maxExactStrings {
                        var product: [[UInt8]] = []
                        for p in current {
                            for s in repeated {
                                let joined = p + s
                                if !product.contains(joined) { product.append(joined) }
                            }
                        }
                        flush(&result, product)
                    } else {
                        flush(&result, running)
                    }
                    running = repeated
                    runningStart = atomStart
                } else if let exact = atom.exact, let current = running,
                    current.count * exact.count <= LiteralExtraction.maxExactStrings
                {
                    var product: [[UInt8]] = []
                    for p in current {
                        for s in exact {
                            let joined = p + s
                            if !product.contains(joined) { product.append(joined) }
                        }
                    }
                    if product.contains(where: { $0.count > LiteralExtraction.maxExactLength }) {
                        flush(&result, current)
                        running = exact
                        runningStart = atomStart
                    } else {
                        running = product
                    }
                } else {
                    flush(&result, running)
                    running = atom.exact
                    runningStart = atomStart
                }
            }
            flush(&result, running)
            // The whole concatenation is exact only when every atom was.
            result.exact = allExact ? running : nil
            result.prefix = head
            result.anchored = anchored
            return result
        }

        /// The byte at `i` when it is a plain literal byte that no quantifier follows (what
        /// ``parseAtom()`` reads as exact `[[c]]` and ``parseQuantifier(_:)`` leaves alone).
        @inline(__always)
        func plainLiteral() -> UInt8? {
            let c = b[i]
            guard !caseless else { return nil }
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "\\"),
                UInt8(ascii: "|"), UInt8(ascii: ")"):
                return nil
            default: break
            }
            if i + 1 < b.count {
                switch b[i + 1] {
                case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"): return nil
                default: break
                }
            }
            return c
        }

        mutating func parseQuantifier(_ atom: Info) throws(Decline) -> Info {
            guard !atEnd else { return atom }
            var minimum: Int
            var maximum: Int?
            switch b[i] {
            case UInt8(ascii: "*"):
                minimum = 0
                maximum = nil
                i += 1
            case UInt8(ascii: "+"):
                minimum = 1
                maximum = nil
                i += 1
            case UInt8(ascii: "?"):
                minimum = 0
                maximum = 1
                i += 1
            case UInt8(ascii: "{"):
                guard let (lo, hi, end) = parseBraces(from: i) else { return atom }
                minimum = lo
                maximum = hi
                i = end
            default: return atom
            }
            // Lazy or possessive suffix.
            if !atEnd, b[i] == UInt8(ascii: "?") || b[i] == UInt8(ascii: "+") { i += 1 }
            var result = Info.unknown
            if minimum >= 1 {
                result.prefix = atom.starts
                result.best = atom.best
                if let exact = atom.exact { result.offer(LiteralSet(strings: exact)) }
            }
            if minimum == 1, maximum == 1 { result.exact = atom.exact }
            if minimum >= 1, maximum != 1, let exact = atom.exact, !exact.contains([]) { result.repeated = exact }
            if minimum == 0, maximum == 1, let exact = atom.exact {
                result.exact = exact.contains([]) ? exact : exact + [[]]
            }
            if maximum == 0 { result = .empty }
            return result
        }

        /// Parses `{n}`, `{n,}`, `{n,m}` (and `{,m}`) at `start`; nil when it is a literal brace.
        func parseBraces(from start: Int) -> (Int, Int?, Int)? {
            var k = start + 1
            func number(_ k: inout Int) -> Int? {
                let s = k
                var v = 0
                while k < b.count, b[k] >= 48, b[k] <= 57 {
                    v = v * 10 + Int(b[k] - 48)
                    k += 1
                }
                return k > s ? v : nil
            }
            let lo = number(&k)
            guard k < b.count else { return nil }
            if b[k] == UInt8(ascii: "}") {
                guard let lo else { return nil }
                return (lo, lo, k + 1)
            }
            guard b[k] == UInt8(ascii: ",") else { return nil }
            k += 1
            let hi = number(&k)
            guard k < b.count, b[k] == UInt8(ascii: "}"), lo != nil || hi != nil else { return nil }
            return (lo ?? 0, hi, k + 1)
        }

        mutating func parseAtom() throws(Decline) -> Info {
            let c = b[i]
            let isMeta = c == UInt8(ascii: "(") || c == UInt8(ascii: ".") || c == UInt8(ascii: "^") || c == UInt8(ascii: "$")
            if caseless, !isMeta {
                // Any atom holding a letter matches its other case too: read it as unknown
                // unless it is a plain non-letter byte.
                let isLetter = (c | 0x20) >= 97 && (c | 0x20) <= 122
                let atom: Info
                switch c {
                case UInt8(ascii: "["): atom = parseClass()
                case UInt8(ascii: "\\"): atom = try parseEscape()
                default:
                    i += 1
                    atom = Info(exact: [[c]], best: nil)
                }
                // A byte from 0x80 on belongs to a character that may have another case
                // when the line is matched as Unicode text.
                let exact = atom.exact ?? []
                let hasLetter =
                    isLetter || c >= 0x80 || exact.contains { $0.contains { (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) || $0 >= 0x80 } }
                return hasLetter || atom.exact == nil ? .unknown : atom
            }
            switch c {
            case UInt8(ascii: "("): return try parseGroup()
            case UInt8(ascii: "["): return parseClass()
            case UInt8(ascii: "."):
                i += 1
                return .unknown
            case UInt8(ascii: "^"):
                i += 1
                var start = Info.empty
                start.anchored = true
                return start
            case UInt8(ascii: "$"):
                i += 1
                return .empty
            case UInt8(ascii: "\\"): return try parseEscape()
            default:
                i += 1
                return Info(exact: [[c]], best: nil)
            }
        }

        mutating func parseGroup() throws(Decline) -> Info {
            // Inline options set inside a group end with it; (?i) alone lasts to the end of
            // the enclosing group.
            let outerCaseless = caseless
            depth += 1
            defer { depth -= 1 }
            i += 1 // (
            if !atEnd, b[i] == UInt8(ascii: "*") { throw Decline(reason: "backtracking verbs are not analysed") }
            var zeroWidth = false
            if !atEnd, b[i] == UInt8(ascii: "?") {
                i += 1
                guard !atEnd else { throw Decline(reason: "unterminated group") }
                switch b[i] {
                case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"): i += 1
                case UInt8(ascii: "="), UInt8(ascii: "!"):
                    i += 1
                    zeroWidth = true
                case UInt8(ascii: "#"):
                    while !atEnd, b[i] != UInt8(ascii: ")") { i += 1 }
                    i += 1
                    return .empty
                case UInt8(ascii: "<") where i + 1 < b.count && (b[i + 1] == UInt8(ascii: "=") || b[i + 1] == UInt8(ascii: "!")):
                    i += 2
                    zeroWidth = true
                case UInt8(ascii: "<"), UInt8(ascii: "'"):
                    let close = b[i] == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "'")
                    while !atEnd, b[i] != close { i += 1 }
                    i += 1
                case UInt8(ascii: "("):
                    // A conditional (?(cond)yes|no): either branch may match, so it is read
                    // as (?:yes|no), and as (?:yes|) when it has no else branch.
                    var depth = 0
                    repeat {
                        guard !atEnd else { throw Decline(reason: "unterminated group") }
                        if b[i] == UInt8(ascii: "\\") {
                            i += 1
                        } else if b[i] == UInt8(ascii: "(") {
                            depth += 1
                        } else if b[i] == UInt8(ascii: ")") {
                            depth -= 1
                        }
                        i += 1
                    } while depth > 0
                    let inner = try parseAlternation()
                    let branches = lastBranchCount
                    guard !atEnd, b[i] == UInt8(ascii: ")") else { throw Decline(reason: "unbalanced parenthesis") }
                    i += 1
                    caseless = outerCaseless
                    guard branches == 1 else { return inner }
                    var optional = Info.unknown
                    if let exact = inner.exact, exact.count < LiteralExtraction.maxExactStrings { optional.exact = exact + [[]] }
                    return optional
                case UInt8(ascii: "P"):
                    i += 1
                    guard !atEnd else { throw Decline(reason: "unterminated group") }
                    if b[i] == UInt8(ascii: "<") {
                        while !atEnd, b[i] != UInt8(ascii: ">") { i += 1 }
                        i += 1
                    } else {
                        // (?P=name) back-reference or (?P>name) call: unknown text.
                        while !atEnd, b[i] != UInt8(ascii: ")") { i += 1 }
                        i += 1
                        return .unknown
                    }
                default:
                    // Inline options (?i) (?i:...) (?-i), conditionals, recursion.
                    var k = i
                    while k < b.count,
                        (b[k] >= 97 && b[k] <= 122) || (b[k] >= 65 && b[k] <= 90) || b[k] == UInt8(ascii: "-") || b[k] == UInt8(ascii: "^")
                    { k += 1 }
                    guard k > i, k < b.count, b[k] == UInt8(ascii: ")") || b[k] == UInt8(ascii: ":") else {
                        throw Decline(reason: "group syntax (?\(Character(UnicodeScalar(b[i])))... is not analysed")
                    }
                    let flags = b[i..<k]
                    if flags.contains(UInt8(ascii: "x")) { throw Decline(reason: "extended mode (?x) is not analysed") }
                    if flags.contains(UInt8(ascii: "m")) { sawMultiline = true }
                    let minus = flags.firstIndex(of: UInt8(ascii: "-")) ?? k
                    if flags[..<minus].contains(UInt8(ascii: "i")) { caseless = true }
                    if flags[minus...].contains(UInt8(ascii: "i")) { caseless = false }
                    if b[k] == UInt8(ascii: ")") {
                        i = k + 1
                        return .empty
                    }
                    i = k + 1
                }
            }
            let inner = try parseAlternation()
            guard !atEnd, b[i] == UInt8(ascii: ")") else { throw Decline(reason: "unbalanced parenthesis") }
            i += 1
            caseless = outerCaseless
            return zeroWidth ? .empty : inner
        }

        mutating func parseClass() -> Info {
            i += 1 // [
            var members: [UInt8] = []
            var simple = true
            if !atEnd, b[i] == UInt8(ascii: "^") {
                simple = false
                i += 1
            }
            var first = true
            while !atEnd {
                let c = b[i]
                if c == UInt8(ascii: "]") && !first {
                    i += 1
                    break
                }
                first = false
                if c == UInt8(ascii: "["), i + 1 < b.count, b[i + 1] == UInt8(ascii: ":") {
                    simple = false
                    if let end = findPosixClassEnd(from: i) {
                        i = end
                        continue
                    }
                }
                if c == UInt8(ascii: "\\"), i + 1 < b.count {
                    let e = b[i + 1]
                    if let literal = Self.escapedLiteral(e) { members.append(literal) } else { simple = false }
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "-"), !members.isEmpty, i + 1 < b.count, b[i + 1] != UInt8(ascii: "]") {
                    simple = false
                }
                members.append(c)
                i += 1
            }
            guard simple, !members.isEmpty, members.count <= 4 else { return .unknown }
            var unique: [[UInt8]] = []
            for m in members where !unique.contains([m]) { unique.append([m]) }
            return Info(exact: unique, best: nil)
        }

        func findPosixClassEnd(from start: Int) -> Int? {
            var k = start + 2
            while k + 1 < b.count {
                if b[k] == UInt8(ascii: ":"), b[k + 1] == UInt8(ascii: "]") { return k + 2 }
                k += 1
            }
            return nil
        }

        /// The byte an escape stands for when it is a plain literal.
        static func escapedLiteral(_ e: UInt8) -> UInt8? {
            switch e {
            case UInt8(ascii: "n"): return 10
            case UInt8(ascii: "t"): return 9
            case UInt8(ascii: "r"): return 13
            case UInt8(ascii: "f"): return 12
            case UInt8(ascii: "a"): return 7
            case UInt8(ascii: "e"): return 27
            default:
                if e.isWordByte { return nil }
                return e
            }
        }

        mutating func parseEscape() throws(Decline) -> Info {
            guard i + 1 < b.count else {
                i += 1
                return .unknown
            }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "A"), UInt8(ascii: "z"),
                UInt8(ascii: "Z"), UInt8(ascii: "G"), UInt8(ascii: "K"):
                return .empty
            case UInt8(ascii: "Q"):
                var literal: [UInt8] = []
                while i < b.count {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "E") {
                        i += 2
                        break
                    }
                    literal.append(b[i])
                    i += 1
                }
                return Info(exact: [literal], best: nil)
            case UInt8(ascii: "x"):
                // \xHH or \x{H...}
                var value = 0
                if i < b.count, b[i] == UInt8(ascii: "{") {
                    i += 1
                    while i < b.count, b[i] != UInt8(ascii: "}") {
                        value = value * 16 + Int(hexValue(b[i]))
                        i += 1
                    }
                    i += 1
                } else {
                    var digits = 0
                    while i < b.count, digits < 2, hexValue(b[i]) < 16 {
                        value = value * 16 + Int(hexValue(b[i]))
                        i += 1
                        digits += 1
                    }
                }
                return value < 128 ? Info(exact: [[UInt8(value)]], best: nil) : .unknown
            case UInt8(ascii: "p"), UInt8(ascii: "P"):
                if i < b.count, b[i] == UInt8(ascii: "{") {
                    while i < b.count, b[i] != UInt8(ascii: "}") { i += 1 }
                    i += 1
                } else {
                    i += 1
                }
                return .unknown
            default:
                if let literal = Self.escapedLiteral(e) { return Info(exact: [[literal]], best: nil) }
                return .unknown // \d \w \s \S \1 \g ... : unknown text
            }
        }

        func hexValue(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return 255
            }
        }
    }
}
