/// The successful logins a success filter found in a scan (``ScanFilter/gathersLogins``,
/// ``ScanSummary/logins``): filled from the workers' ``LoginBatch``es in input order,
/// as flat arrays (a few stores a login on the consuming thread), then grouped by
/// address once (``finished()``) for ``successes(of:)``.
package struct LoginBook: Sendable {
    private(set) var index: [FailureID: Int32] = [:]
    private var ids: [FailureID] = []
    /// User names, numbered as met (the batches' numbers are the chunks' own).
    private(set) var names = NameNumbers()
    /// The chunks' batches as merged, in input order, with their addresses' and users'
    /// numbers here and the time their undated logins take (nil: dropped). Kept as they
    /// came (no login copied on the consuming thread) until ``finished()`` groups them.
    private var parts: [(batch: LoginBatch, addresses: [Int32], users: [Int32], undatedTime: Int?)] = []
    /// After ``finished()``: per address k, its logins' times and users at
    /// `starts[k]..<starts[k + 1]`, in input order.
    private(set) var starts: [Int] = []
    private(set) var times: [Int] = []
    private(set) var users: [Int32] = []
    /// Logins kept.
    package private(set) var count = 0

    package init() {}

    /// Addresses (failure ids) that logged in.
    package var addresses: Int { ids.count }

    /// Whether `id` logged in.
    package func contains(_ id: FailureID) -> Bool { index[id] != nil }

    private mutating func number(of id: FailureID) -> Int32 {
        if let known = index[id] { return known }
        let number = Int32(ids.count)
        index[id] = number
        ids.append(id)
        return number
    }

    /// Takes the logins of `batch` (the next chunk's, in input order). Its undated logins
    /// take `undatedTime` (the last date of the chunks before, in the same file).
    /// - Returns: how many undated logins were dropped for want of a date.
    mutating func merge(_ batch: LoginBatch, undatedTime: Int?) -> Int {
        let users = batch.userNames.map { name in name.withUnsafeBufferPointer { names.number(of: $0) } }
        var dropped = 0
        // An address is numbered only if a login of it is kept (not one whose logins all
        // lack a date).
        var kept = [Bool](repeating: undatedTime != nil || batch.undatedCount == 0, count: batch.ids.count)
        if undatedTime == nil && batch.undatedCount > 0 {
            for login in batch.logins where login.time != LoginBatch.undated { kept[Int(login.address)] = true }
            dropped = batch.undatedCount
        }
        let addresses = batch.ids.indices.map { kept[$0] ? number(of: batch.ids[$0]) : -1 }
        parts.append((batch, addresses, users, undatedTime))
        count += batch.count - dropped
        return dropped
    }

    /// The book grouped by address (a counting sort that keeps input order), for
    /// ``successes(of:)``.
    package func finished() -> LoginBook {
        var book = self
        var starts = [Int](repeating: 0, count: ids.count + 1)
        var times = [Int](repeating: 0, count: count)
        var users = [Int32](repeating: 0, count: count)
        // Buffers, not arrays, in the loops over every login: no reference counting per login.
        starts.withUnsafeMutableBufferPointer { starts in
            for part in parts {
                part.addresses.withUnsafeBufferPointer { addresses in
                    for login in part.batch.logins where login.time != LoginBatch.undated || part.undatedTime != nil {
                        starts[Int(addresses[Int(login.address)]) + 1] += 1
                    }
                }
            }
            for k in 0..<(starts.count - 1) { starts[k + 1] += starts[k] }
            var next = Array(starts)
            next.withUnsafeMutableBufferPointer { next in
                times.withUnsafeMutableBufferPointer { times in
                    users.withUnsafeMutableBufferPointer { users in
                        for part in parts {
                            part.addresses.withUnsafeBufferPointer { addresses in
                                part.users.withUnsafeBufferPointer { userOf in
                                    for login in part.batch.logins {
                                        guard let time = login.time != LoginBatch.undated ? login.time : part.undatedTime else { continue }
                                        let a = Int(addresses[Int(login.address)])
                                        times[next[a]] = time
                                        users[next[a]] = userOf[Int(login.user)]
                                        next[a] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        book.parts = []
        book.starts = starts
        book.times = times
        book.users = users
        return book
    }

    /// The logins from `lower` through `upper` (the replay's `--since`/`--until`), grouped.
    /// - Precondition: the book is ``finished()``.
    package func restricted(to lower: Int, _ upper: Int) -> LoginBook {
        var book = LoginBook()
        book.names = names
        book.starts = [0]
        for (k, id) in ids.enumerated() {
            for i in starts[k]..<starts[k + 1] where times[i] >= lower && times[i] <= upper {
                book.times.append(times[i])
                book.users.append(users[i])
            }
            if book.times.count > book.starts.last! {
                _ = book.number(of: id)
                book.starts.append(book.times.count)
            }
        }
        book.count = book.times.count
        return book
    }
}
