/// How failures become bans.
public enum BanWindow: String, Sendable, CaseIterable {
    /// fail2ban's FailManager: one ticket per address, its retry count estimated down
    /// when the ticket outlives findtime, forgotten findtime after its last failure,
    /// a ban at maxretry (the ticket is then dropped).
    case failmanager
    /// The textbook rule: maxretry failures within any findtime interval.
    case sliding
}

/// A jail's rules for replaying failures into bans.
public struct JailPolicy: Sendable {
    public var maxRetry: Int
    public var findTime: Int
    /// Seconds; -1 is forever.
    public var banTime: Int
    public var ignore: [CIDR]
    public var window: BanWindow

    public init(maxRetry: Int, findTime: Int, banTime: Int, ignore: [CIDR] = [], window: BanWindow = .failmanager) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.ignore = ignore
        self.window = window
    }
}

/// What a jail decided about one id.
public struct JailRecord: Sendable, Equatable {
    public var id: FailureID
    public var failures = 0
    public var first = 0
    public var last = 0
    /// Start times of the bans.
    public var bans: [Int] = []
    /// Failures per failregex (1-based, as fail2ban-regex numbers them).
    public var hits: [Int: Int] = [:]

    public var banned: Bool { !bans.isEmpty }
}

/// Replays a jail's failures, in time order, as fail2ban would have decided them had it
/// watched the logs live, with the logs' own time as its clock.
///
/// Corresponds to fail2ban's `server/failmanager.py` (`addFailure`, `cleanup`, `toBan`)
/// and `server/ticket.py` (`FailTicket.adjustTime`, `inc`); the clean-up fail2ban runs
/// now and then is applied before every failure.
public struct FailManager: Sendable {
    public let policy: JailPolicy

    struct Ticket {
        var retry: Int
        var firstTime: Int
        var time: Int
    }

    public init(policy: JailPolicy) { self.policy = policy }

    /// Decides every id; `failures` need not be sorted (a stable sort by time is applied).
    public func decide(_ failures: [Failure]) -> [JailRecord] {
        let ordered = failures.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var records: [FailureID: JailRecord] = [:]
        var tickets: [FailureID: Ticket] = [:]
        var windows: [FailureID: [Int]] = [:]
        var bannedUntil: [FailureID: Int] = [:]
        for failure in ordered {
            if let address = failure.id.address, policy.ignore.contains(where: { $0.contains(address) }) { continue }
            let t = failure.time
            var record = records[failure.id] ?? JailRecord(id: failure.id, first: t)
            record.failures += 1
            record.last = t
            record.hits[failure.failregex + 1, default: 0] += 1
            var reached = false
            switch policy.window {
            case .failmanager:
                if var ticket = tickets[failure.id] {
                    if ticket.time <= t - policy.findTime {
                        tickets[failure.id] = nil // cleanup: forgotten findtime after its last failure
                        tickets[failure.id] = Ticket(retry: 1, firstTime: t, time: t)
                    } else {
                        // FailTicket.adjustTime, then inc.
                        if t > ticket.time {
                            if ticket.firstTime < t - policy.findTime {
                                let estimate = Double(ticket.retry) / Double(t - ticket.firstTime) * Double(policy.findTime)
                                ticket.retry = Int(estimate.rounded(.toNearestOrEven))
                                ticket.firstTime = t - policy.findTime
                            }
                            ticket.time = t
                        }
                        ticket.retry += 1
                        tickets[failure.id] = ticket
                    }
                } else {
                    tickets[failure.id] = Ticket(retry: 1, firstTime: t, time: t)
                }
                if tickets[failure.id]!.retry >= policy.maxRetry {
                    tickets[failure.id] = nil // toBan drops the ticket
                    reached = true
                }
            case .sliding:
                var window = windows[failure.id, default: []]
                window.append(t)
                window.removeAll { $0 < t - policy.findTime }
                if window.count >= policy.maxRetry { reached = true; window = [] }
                windows[failure.id] = window
            }
            if reached {
                let until = bannedUntil[failure.id]
                let active = until.map { $0 == Int.max || t < $0 } ?? false
                if !active {
                    record.bans.append(t)
                    bannedUntil[failure.id] = policy.banTime < 0 ? Int.max : t + policy.banTime
                }
            }
            records[failure.id] = record
        }
        return records.values.sorted { $0.id < $1.id }
    }
}
