/// A compiled failregex (or prefregex) with the group numbers fail2ban reads.
struct CompiledFilterRegex: Sendable {
    let regex: PCRE2Regex
    let original: String
    /// (kind, group number) in fail2ban's order: ip4, ip6, dns, host, fid.
    let idGroups: [(FailureIDKind, Int)]
    /// Named groups other than `content`, sorted by name.
    let fieldGroups: [(name: String, number: Int)]
    let contentGroup: Int?
    /// The `<SKIPLINES>` groups, in order.
    let skipLineGroups: [Int]
    /// (slot of the filter's ``FieldLayout``, group number) of the named groups; set when
    /// the filter's layout is known.
    var fieldSlots: [(slot: Int, group: Int)] = []

    init(
        _ original: String, role: String, dialect: Fail2banDialect, options: PCRE2Regex.Options,
        notes: inout [String]
    ) throws(PatternError) {
        let translation = try dialect.translate(original)
        notes.append(contentsOf: translation.notes)
        let pattern = options.utf ? dialect.unicodeTextVariant(translation.pattern) : translation.pattern
        do { regex = try PCRE2Regex(pattern, options: options) } catch {
            throw .compile(role: role, original: original, translated: pattern, error: error)
        }
        self.original = original
        let names = regex.groupNumbers
        idGroups = [FailureIDKind.ip4, .ip6, .dns, .host, .fid].compactMap { kind in
            names[kind.rawValue].map { (kind, $0) }
        }
        fieldGroups = names.keys.sorted().filter { $0 != "content" }.map { ($0, names[$0]!) }
        contentGroup = names["content"]
        skipLineGroups = names.filter { $0.key.hasPrefix("skiplines") }.map(\.value).sorted()
    }

    var hasFailureID: Bool { !idGroups.isEmpty || regex.groupNumbers["mlfid"] != nil }
}
