/// The successful logins a success filter found in a scan (``ScanFilter/gathersLogins``,
/// ``ScanSummary/logins``): filled from the workers' ``LoginBatch``es in input order,
/// as flat arrays (a few stores a login on the consuming thread), then grouped by
/// address once (``finished()``) for ``successes(of:)``.
public struct LoginBook: Sendable {
    private var index: [FailureID: Int32] = [:]
    private var ids: [FailureID] = []
    private var userNames: [[UInt8]] = []
    private var userNumbers: [[UInt8]: Int32] = [:]
    /// Per login, in input order: its address's number, its time, its user's number.
    private var addressOf: [Int32] = []
    private var times: [Int] = []
    private var users: [Int32] = []
    /// After ``finished()``: the logins by address, address k's at `order[starts[k]..<starts[k + 1]]`.
    private var starts: [Int] = []
    private var order: [Int32] = []

    public init() {}

    /// Logins kept.
    public var count: Int { times.count }

    /// Addresses (failure ids) that logged in.
    public var addresses: Int { ids.count }

    /// Whether `id` logged in.
    public func contains(_ id: FailureID) -> Bool { index[id] != nil }

    private mutating func number(of id: FailureID) -> Int32 {
        if let known = index[id] { return known }
        let number = Int32(ids.count)
        index[id] = number
        ids.append(id)
        return number
    }

    private mutating func number(of name: [UInt8]) -> Int32 {
        if let known = userNumbers[name] { return known }
        let number = Int32(userNames.count)
        userNumbers[name] = number
        userNames.append(name)
        return number
    }

    /// Appends the logins of `batch` (the next chunk's, in input order). Its undated logins
    /// take `undatedTime` (the last date of the chunks before, in the same file).
    /// - Returns: how many undated logins were dropped for want of a date.
    mutating func merge(_ batch: LoginBatch, undatedTime: Int?) -> Int {
        let userOf = batch.userNames.map { number(of: $0) }
        // An address is numbered at its first login kept (not one whose logins all lack a date).
        var addressNumbers = [Int32](repeating: -1, count: batch.ids.count)
        var dropped = 0
        for k in 0..<batch.count {
            let dated = batch.times[k]
            guard let time = dated != LoginBatch.undated ? dated : undatedTime else {
                dropped += 1
                continue
            }
            let entry = Int(batch.entries[k])
            if addressNumbers[entry] < 0 { addressNumbers[entry] = number(of: batch.ids[entry]) }
            addressOf.append(addressNumbers[entry])
            times.append(time)
            users.append(userOf[Int(batch.users[k])])
        }
        return dropped
    }

    /// The book grouped by address (a counting sort that keeps input order), for
    /// ``successes(of:)``.
    public func finished() -> LoginBook {
        var book = self
        var starts = [Int](repeating: 0, count: ids.count + 1)
        for a in addressOf { starts[Int(a) + 1] += 1 }
        for k in 0..<ids.count { starts[k + 1] += starts[k] }
        var next = starts
        var order = [Int32](repeating: 0, count: addressOf.count)
        for (login, a) in addressOf.enumerated() {
            order[next[Int(a)]] = Int32(login)
            next[Int(a)] += 1
        }
        book.starts = starts
        book.order = order
        return book
    }

    /// The logins from `lower` through `upper` (the replay's `--since`/`--until`), grouped.
    public func restricted(to lower: Int, _ upper: Int) -> LoginBook {
        var book = LoginBook()
        for k in times.indices where times[k] >= lower && times[k] <= upper {
            book.addressOf.append(book.number(of: ids[Int(addressOf[k])]))
            book.times.append(times[k])
            book.users.append(book.number(of: userNames[Int(users[k])]))
        }
        return book.finished()
    }

    /// The logins of `id` in time order (equal times: users in name order), nil when none.
    /// - Precondition: the book is ``finished()``.
    public func successes(of id: FailureID) -> [TuneGrid.Success]? {
        guard let a = index[id] else { return nil }
        var list = order[starts[Int(a)]..<starts[Int(a) + 1]].map {
            TuneGrid.Success(time: times[Int($0)], user: String(decoding: userNames[Int(users[Int($0)])], as: UTF8.self))
        }
        list.sort { ($0.time, $0.user) < ($1.time, $1.user) }
        return list
    }
}
