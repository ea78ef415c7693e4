/// The named groups of one filter (prefregex and failregexes), numbered once when the filter
/// is compiled, so that a match fills an array of slots instead of hashing group names into
/// a dictionary for every line (perf on sshd: hashing and dictionaries were most of the
/// cycles of a multi-line filter).
public struct FieldLayout: Sendable, Equatable {
    /// The group names, in slot order (sorted).
    public let names: [String]
    let slots: [String: Int]
    /// `(alternate, target)` slot pairs of `<F-ALT_…>` groups, in the alternates' name order.
    let alternates: [(alternate: Int, target: Int)]
    /// The slots fail2ban's merge and failure ids read.
    public let mlfid: Int?, nofail: Int?, mlfforget: Int?, mlfgained: Int?, user: Int?
    /// The group numbers of the id fields (`<HOST>`'s address and name alternatives, `<F-ID>`), when present.
    public let ip4: Int?, ip6: Int?, dns: Int?, host: Int?, fid: Int?

    /// A layout for `names` (the targets of `<F-ALT_…>` groups are added).
    public init(names: some Sequence<String>) {
        var all = Set(names.filter { $0 != "content" })
        for name in all where name.hasPrefix("alt_") { all.insert(Self.target(ofAlternate: name)) }
        self.names = all.sorted()
        var slots: [String: Int] = [:]
        for (slot, name) in self.names.enumerated() { slots[name] = slot }
        self.slots = slots
        alternates = self.names.filter { $0.hasPrefix("alt_") }.map { (slots[$0]!, slots[Self.target(ofAlternate: $0)]!) }
        mlfid = slots["mlfid"]
        nofail = slots["nofail"]
        mlfforget = slots["mlfforget"]
        mlfgained = slots["mlfgained"]
        user = slots["user"]
        ip4 = slots["ip4"]
        ip6 = slots["ip6"]
        dns = slots["dns"]
        host = slots["host"]
        fid = slots["fid"]
    }

    /// Layouts are equal when they number the same names.
    public static func == (a: FieldLayout, b: FieldLayout) -> Bool { a.names == b.names }

    /// `alt_user1` (from `<F-ALT_USER1>`) fills `user`: fail2ban's `_getGroupsWithAlt`.
    static func target(ofAlternate name: String) -> String {
        var target = String(name.dropFirst(4))
        if let underscore = target.lastIndex(of: "_"), Int(target[target.index(after: underscore)...]) != nil {
            target = String(target[..<underscore])
        }
        return Fail2banDialect.groupName(forTag: target)
    }

    /// The slot of a group name, if the filter has that group.
    public func slot(_ name: String) -> Int? { slots[name] }

    /// Values with every slot empty.
    public var empty: FieldValues { FieldValues(count: names.count) }

    /// Values from a dictionary of group names (names the layout lacks are dropped).
    public func values(_ dictionary: [String: String]) -> FieldValues {
        var values = empty
        for (name, value) in dictionary { values[slot(name)] = value }
        return values
    }

    /// fail2ban's `_getGroupsWithAlt`: an alternate fills its target when that is empty.
    func applyAlternates(_ values: inout FieldValues) {
        for (alternate, target) in alternates where values.has(alternate) && !values.has(target) {
            values.copy(alternate, to: target)
        }
    }
}
