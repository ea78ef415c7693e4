/// The distinct users of a multi-line id (fail2ban's `users` set of a connection), in the
/// order first seen, their bytes one after another in one buffer.
///
/// Emptied by its count: a connection's state is reloaded for every match (an evicted
/// connection's state comes back to serve the next one), and an array of `String` emptied
/// and refilled there cost a string and the array's element destruction per match
/// (callgrind, sshd's attack log: about 200 instructions a match, 1.9% of the scan).
struct DistinctUsers {
    /// The users' bytes, one after another; bytes past the last user's end are spare.
    private var bytes: [UInt8] = []
    /// Where each user's bytes end; entries from `count` on are spare.
    private var ends: [Int] = []
    /// Users held.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Forgets every user, keeping the storage.
    mutating func removeAll() { count = 0 }

    /// Adds `user` unless it is held already (compared byte for byte).
    mutating func insert(_ user: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for k in 0..<count {
            let end = ends[k]
            if bytes.withUnsafeBufferPointer({ UnsafeBufferPointer(rebasing: $0[start..<end]).equals(user) }) { return }
            start = end
        }
        let end = start + user.count
        if bytes.count < end { bytes.append(contentsOf: repeatElement(0, count: end - bytes.count)) }
        if !user.isEmpty {
            bytes.withUnsafeMutableBufferPointer { _ = UnsafeMutableBufferPointer(rebasing: $0[start..<end]).initialize(from: user) }
        }
        if count < ends.count { ends[count] = end } else { ends.append(end) }
        count += 1
    }

    /// The users as text, in the order first seen.
    var names: [String] {
        var start = 0
        return ends.prefix(count).map { end in
            defer { start = end }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
    }
}
