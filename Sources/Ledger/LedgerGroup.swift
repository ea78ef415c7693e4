import Analyzer

/// The failures of one id in one jail and one file of a shard, in line order: one line of
/// a ledger after its header. Numbers are small so that the compressed ledger is small:
/// times as differences from the one before (the first from 0), line numbers likewise.
package struct LedgerGroup: Codable, Sendable, Equatable {
    /// Jail index (``LedgerHeader/jails``).
    package var j: Int
    /// The failure id's kind: "a" an address, "h" a host name, "o" another id (`<F-ID>`).
    package var k: String
    /// The id's text (an address canonical).
    package var i: String
    /// File index (``LedgerHeader/files``).
    package var f: Int
    /// Times, each the difference from the one before.
    package var t: [Int]
    /// Line numbers, each the difference from the one before.
    package var l: [Int]
    /// Failregex of each failure (0-based), omitted when all are `r0`.
    package var r: [Int]?
    package var r0: Int
    /// The user of each failure (`<F-USER>`), omitted when none has one; "" for none.
    package var u: [String]?

    init(j: Int, k: String, i: String, f: Int, t: [Int], l: [Int], r: [Int]?, r0: Int, u: [String]?) {
        self.j = j
        self.k = k
        self.i = i
        self.f = f
        self.t = t
        self.l = l
        self.r = r
        self.r0 = r0
        self.u = u
    }

    package init(jail: Int, id: FailureID, file: Int, failures: [Failure]) {
        j = jail
        switch id {
        case .address(let address):
            k = "a"
            i = address.description
        case .host(let name):
            k = "h"
            i = name
        case .other(let text):
            k = "o"
            i = text
        }
        f = file
        var previousTime = 0, previousLine = 0
        t = []
        l = []
        t.reserveCapacity(failures.count)
        l.reserveCapacity(failures.count)
        for failure in failures {
            t.append(failure.time - previousTime)
            l.append(failure.line - previousLine)
            previousTime = failure.time
            previousLine = failure.line
        }
        r0 = failures.first?.failregex ?? 0
        let first = r0
        r = failures.allSatisfy { $0.failregex == first } ? nil : failures.map(\.failregex)
        let users = failures.map { $0.fields?["user"] ?? "" }
        u = users.allSatisfy(\.isEmpty) ? nil : users
    }

    /// The failure id, or nil when the text is not of its kind.
    package var id: FailureID? {
        switch k {
        case "a": return IPAddress(i).map(FailureID.address)
        case "h": return .host(i)
        case "o": return .other(i)
        default: return nil
        }
    }

    /// The failures, with `file` as their file number.
    package func failures(file: Int) -> [Failure]? {
        guard let id, l.count == t.count, r.map({ $0.count == t.count }) ?? true, u.map({ $0.count == t.count }) ?? true else {
            return nil
        }
        var time = 0, line = 0
        var out: [Failure] = []
        out.reserveCapacity(t.count)
        for n in t.indices {
            time += t[n]
            line += l[n]
            var fields: [String: String]? = nil
            if let user = u?[n], !user.isEmpty { fields = ["user": user] }
            out.append(Failure(id: id, time: time, file: file, line: line, failregex: r?[n] ?? r0, fields: fields))
        }
        return out
    }
}

extension LedgerGroup {
    /// What is wrong with the group in a ledger of `header`, or nil: indexes out of
    /// range, an id that is not of its kind (an address not written canonically), an id
    /// its partition does not hold, lists of different lengths or none, times and line
    /// numbers that leave their ranges, a failregex the jail's filter does not have
    /// (`failregexes`: per jail of the header, how many it has, when known).
    package func problem(in header: LedgerHeader, failregexes: [Int]?) -> String? {
        guard (0..<header.jails.count).contains(j) else { return "jail \(j) of \(header.jails.count)" }
        guard (0..<header.files.count).contains(f) else { return "file \(f) of \(header.files.count)" }
        guard let id else { return "id \(i.debugDescription) is not of kind \(k.debugDescription)" }
        if case .address(let address) = id, address.description != i {
            return "address \(i.debugDescription) is not written as failscan writes it (\(address.description))"
        }
        guard LedgerPartition.of(id, partitions: header.partitions) == header.partition else {
            return
                "id \(i.debugDescription) belongs to partition \(LedgerPartition.of(id, partitions: header.partitions)), not \(header.partition)"
        }
        guard !t.isEmpty else { return "a group without failures" }
        guard l.count == t.count, (r?.count ?? t.count) == t.count, (u?.count ?? t.count) == t.count else {
            return "lists of different lengths (t \(t.count), l \(l.count), r \(r?.count ?? t.count), u \(u?.count ?? t.count))"
        }
        var time = 0, line = 0
        for n in t.indices {
            let (nextTime, o1) = time.addingReportingOverflow(t[n])
            let (nextLine, o2) = line.addingReportingOverflow(l[n])
            guard !o1, LedgerLimits.times.contains(nextTime) else { return "failure \(n + 1): time out of range" }
            guard !o2, LedgerLimits.counts.contains(nextLine) else { return "failure \(n + 1): line number out of range" }
            time = nextTime
            line = nextLine
        }
        let count = failregexes.map { $0[j] } ?? Int.max
        for index in [r0] + (r ?? []) where !(0..<count).contains(index) {
            return "failregex \(index): the jail's filter has \(count == Int.max ? "no such" : String(count))"
        }
        return nil
    }
}
