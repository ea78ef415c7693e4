/// One chunk's successful logins, as a worker finds them (``FilterRunner`` with
/// `logins`): flat arrays, the chunk's addresses and users numbered as met, merged into
/// the scan's ``LoginBook`` in input order.
///
/// A mail log holds ten times more logins than failures, so a login costs what it must:
/// no ``Failure``, no dictionary of fields, no hashing of its address with SipHash (an
/// open-addressing table of its bits, ``AddressNumbers``), no `String` for its user (the
/// bytes are compared with the address's previous user's).
struct LoginBatch: Sendable {
    /// The chunk's ids, numbered as met.
    private(set) var ids: [FailureID] = []
    private var numbers = AddressNumbers()
    /// Per login, in line order: its time (``undated``: above the chunk's first dated line,
    /// it takes the date of the chunks before), its id's number, its user's number.
    private(set) var logins: [LoginRecord] = []
    /// How many logins are undated.
    private(set) var undatedCount = 0
    /// The chunk's user names, numbered as met.
    private var names = NameNumbers()
    /// Per id number, the number of its last login's user.
    private var lastUser: [Int32] = []

    var userNames: [[UInt8]] { names.names }

    var count: Int { logins.count }

    /// The time of a login not dated yet (no log time is this far back).
    static let undated = Int.min

    /// Adds a login of `id` at `time` as `user` (nil: the filter has no `<F-USER>`, an
    /// empty name).
    mutating func add(_ id: FailureID, time: Int?, user: UnsafeBufferPointer<UInt8>?) {
        let entry = numbers.number(of: id, next: Int32(ids.count))
        if Int(entry) == ids.count {
            ids.append(id)
            lastUser.append(-1)
        }
        let bytes = user ?? UnsafeBufferPointer(start: nil, count: 0)
        var number = lastUser[Int(entry)]
        if number < 0 || !names.names[Int(number)].equals(bytes) {
            number = names.number(of: bytes)
            lastUser[Int(entry)] = number
        }
        if time == nil { undatedCount += 1 }
        logins.append(LoginRecord(time: time ?? Self.undated, address: entry, user: number))
    }
}

/// One login of a ``LoginBatch``: its time, its address's and its user's numbers.
struct LoginRecord: Sendable {
    var time: Int
    var address: Int32
    var user: Int32
}
