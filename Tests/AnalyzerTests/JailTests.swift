import Fail2banConfig
import Foundation
import LogSource
import Matcher
import TestSupport
import Testing

@testable import Analyzer

@Suite struct IPAddressTests {
    @Test func canonicalForms() {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("2001:0db8:0000::0001")?.description == "2001:db8::1")
        #expect(IPAddress("::ffff:198.51.100.7") == IPAddress("198.51.100.7"))
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("fe80::1%eth0") == nil)
        #expect(IPAddress("mail.example.org") == nil)
    }

    /// The IPv6 reader takes what glibc's inet_pton takes, to the bit, and refuses what it
    /// refuses: seeded strings of hex digits, colons, dots and stray bytes around real
    /// addresses (every `::` place, IPv4 tails, too many groups or digits, zone ids), with
    /// the IPv4 tail as strict as a plain IPv4 address (no leading zeros).
    @Test func ipv6AsInetPtonReadsIt() {
        func reference(_ text: [UInt8]) -> (UInt64, UInt64)? {
            guard text.count >= 2, text.count < 64, text.contains(UInt8(ascii: ":")), !text.contains(UInt8(ascii: "%")) else { return nil }
            if let colon = text.lastIndex(of: UInt8(ascii: ":")), text[colon...].contains(UInt8(ascii: ".")) {
                let tail = Array(text[(colon + 1)...])
                guard tail.withUnsafeBufferPointer({ IPAddress.parseV4($0) }) != nil else { return nil }
            }
            var address = in6_addr()
            let ok = (text + [0]).withUnsafeBufferPointer { c in
                c.baseAddress!.withMemoryRebound(to: CChar.self, capacity: c.count) { inet_pton(AF_INET6, $0, &address) }
            }
            guard ok == 1 else { return nil }
            return withUnsafeBytes(of: address) { raw in
                (raw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, raw.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            }
        }
        var generator = SeededGenerator(seed: 0x1F6)
        let alphabet = Array("0123456789abcdefABCDEF::::...g%".utf8)
        let seeds = [
            "2001:db8::1", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6::8",
            "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "12345::", ":1::", "1:::2", "::1.2.3.04",
            "a:b:c:d:e:f:0:1", "ABCD:EF01::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "1:2:",
        ].map { Array($0.utf8) }
        var accepted = 0, checked = 0
        for round in 0..<40_000 {
            var text: [UInt8]
            if round < seeds.count {
                text = seeds[round]
            } else if generator.next() % 2 == 0 {
                // A real address, one byte changed, added or dropped.
                text = seeds[Int(generator.next() % UInt64(seeds.count))]
                let at = Int(generator.next() % UInt64(text.count + 1))
                switch generator.next() % 3 {
                case 0 where at < text.count: text[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: text.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: at)
                default: if at < text.count { text.remove(at: at) }
                }
            } else {
                text = (0..<Int(1 + generator.next() % 40)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            }
            let expected = reference(text)
            let parsed = text.count >= 2 && text.count < 64 ? text.withUnsafeBufferPointer { IPAddress.parseV6($0) } : nil
            #expect(parsed?.0 == expected?.0 && parsed?.1 == expected?.1, "\(String(decoding: text, as: UTF8.self))")
            if expected != nil { accepted += 1 }
            checked += 1
        }
        #expect(accepted > 3000, "\(accepted) of \(checked) accepted")
    }

    @Test func cidrMembership() throws {
        let v4 = try #require(CIDR("192.168.0.0/24"))
        #expect(v4.contains(IPAddress("192.168.0.77")!))
        #expect(!v4.contains(IPAddress("192.168.1.1")!))
        let v6 = try #require(CIDR("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:1::5")!))
        #expect(!v6.contains(IPAddress("2001:db9::5")!))
        #expect(CIDR("127.0.0.1")!.contains(IPAddress("127.0.0.1")!))
        #expect(CIDR("10.0.0.0/33") == nil)
    }
}

@Suite struct FailManagerTests {
    let address = FailureID.address(IPAddress("203.0.113.1")!)

    func bans(
        _ times: [Int], maxRetry: Int = 3, findTime: Int = 600, banTime: Int = 600, window: BanWindow = .failmanager,
        ignore: [CIDR] = []
    ) -> [Int]? {
        let policy = JailPolicy(maxRetry: maxRetry, findTime: findTime, banTime: banTime, ignore: ignore, window: window)
        let failures = times.map { Failure(id: address, time: $0, file: 0, line: 0, failregex: 0) }
        return FailManager(policy: policy).decide(failures).first?.bans
    }

    @Test func maxretryWithinFindtime() {
        #expect(bans([0, 100, 600]) == [600])
        #expect(bans([600, 0, 100]) == [600]) // input order does not matter
        #expect(bans([0, 100]) == [])
        #expect(bans([0, 100, 600], window: .sliding) == [600])
        #expect(bans([0, 100, 601], window: .sliding) == [])
    }

    /// fail2ban's FailTicket.adjustTime: a ticket older than findtime has its count
    /// estimated down (2 failures in 601 s -> round(2 / 601 * 600) = 2), not dropped, so
    /// the third failure still bans where the sliding rule would not.
    @Test func adjustTimeEstimatesTheRetryCount() {
        #expect(bans([0, 100, 601]) == [601])
        // 4 failures in 0...300, then one at 1000: forgotten (last failure > findtime ago).
        #expect(bans([0, 100, 200, 300, 1000], maxRetry: 5) == [])
    }

    @Test func ticketIsForgottenFindtimeAfterItsLastFailure() {
        #expect(bans([0, 100, 700, 800]) == [])
        #expect(bans([0, 100, 699, 800]) == [699])
    }

    @Test func aRunningBanIsNotStartedAgain() {
        // The ticket is dropped at the ban; three more failures reach maxretry again
        // while the ban runs: no second ban (fail2ban would prolong it, see issue 11).
        #expect(bans([0, 1, 2, 3, 4, 5]) == [2])
        #expect(bans([0, 1, 2, 3, 4, 5], banTime: 2) == [2, 5])
        #expect(bans([0, 1, 2, 3000, 3001, 3002], banTime: -1) == [2])
        #expect(bans([0, 1, 2, 3000, 3001, 3002], banTime: 600) == [2, 3002])
    }

    @Test func ignoreipIsNeverCounted() {
        #expect(bans([0, 1, 2], maxRetry: 1, ignore: [CIDR("203.0.113.0/24")!]) == nil)
    }

    @Test func recordsCountFailuresAndHitsPerFailregex() {
        var failures = [0, 5, 9].map { Failure(id: address, time: $0, file: 0, line: 0, failregex: 0) }
        failures.append(Failure(id: address, time: 7, file: 0, line: 0, failregex: 2))
        let record = FailManager(policy: JailPolicy(maxRetry: 9, findTime: 600, banTime: 600)).decide(failures)[0]
        #expect(record == JailRecord(id: address, failures: 4, first: 0, last: 9, bans: [], hits: [1: 3, 3: 1]))
    }
}

@Suite struct AssemblerTests {
    func failure(_ ip: String, time: Int = 0, line: Int) -> Failure {
        Failure(id: .address(IPAddress(ip)!), time: time, file: 0, line: line, failregex: 0)
    }

    @Test func chunksArriveInAnyOrderAndLeaveInOrder() {
        var assembler = Assembler(files: 2)
        var out: [Failure] = []
        var first = ChunkMatches()
        first.failures = [failure("192.0.2.1", time: 100, line: 2)]
        first.lastTime = 150
        first.lines = 10
        var second = ChunkMatches()
        second.failures = [failure("192.0.2.2", line: 1), failure("192.0.2.3", time: 200, line: 4)]
        second.pendingTime = [0] // undated, no dated line above it in its chunk
        second.lines = 5
        var undated = ChunkMatches()
        undated.failures = [failure("192.0.2.4", line: 1)]
        undated.pendingTime = [0]
        assembler.deliver(file: 0, seq: 1, second) { out.append($0) }
        assembler.deliver(file: 1, seq: 0, undated) { out.append($0) }
        #expect(out.isEmpty)
        assembler.deliver(file: 0, seq: 0, first) { out.append($0) }
        #expect(out.map(\.line) == [2, 11, 14])
        #expect(out.map(\.time) == [100, 150, 200]) // the date carried from the chunk before
        assembler.end(file: 0, chunks: 2) { out.append($0) }
        assembler.end(file: 1, chunks: 1) { out.append($0) }
        // File 1's undated failure has no date above it in its file: not counted.
        #expect(out.count == 3)
        #expect(assembler.counters.noDate == 1)
        #expect(assembler.failureCount == 3)
    }
}

/// A multi-line match with its fields held beside it (the scan keeps them in the chunk).
struct HeldMatch {
    var match: MultiLineMatch
    let fields: FieldValues
}

extension MultiLineMerger {
    /// The merge of a match whose fields are held beside it.
    mutating func resolve(_ held: HeldMatch, file: Int) -> Failure? {
        held.fields.withRawBytes { resolve(held.match, fields: $0, file: file) }
    }
}

@Suite struct MultiLineMergerTests {
    static let layout = FieldLayout(names: ["mlfid", "ip4", "ip6", "dns", "host", "fid", "user", "nofail", "mlfforget", "mlfgained"])

    func match(_ fields: [String: String], time: Int = 10) -> HeldMatch {
        let values = Self.layout.values(fields)
        return HeldMatch(
            match: MultiLineMatch(failregex: 0, fields: 0..<values.withRawBytes(\.count), time: time, line: 1, matchedLines: 1),
            fields: values)
    }

    @Test func noFailLineLendsItsAddressToTheFailureOfItsConnection() {
        var merger = MultiLineMerger(layout: Self.layout, detailed: true)
        #expect(merger.resolve(match(["mlfid": "c1", "ip4": "192.0.2.1", "nofail": "1"]), file: 0) == nil)
        let failure = merger.resolve(match(["mlfid": "c1", "user": "bob"]), file: 0)
        #expect(failure?.id == .address(IPAddress("192.0.2.1")!))
        #expect(failure?.fields?["attempts"] == "2") // the no-fail line counts as an attempt
        #expect(failure?.fields?["users"] == "bob")
    }

    @Test func forgetDropsTheConnection() {
        var merger = MultiLineMerger(layout: Self.layout, detailed: false)
        _ = merger.resolve(match(["mlfid": "c1", "ip4": "192.0.2.1", "nofail": "1"]), file: 0)
        _ = merger.resolve(match(["mlfid": "c1", "mlfforget": "1", "nofail": "1"]), file: 0)
        #expect(merger.resolve(match(["mlfid": "c1", "user": "bob"]), file: 0) == nil)
        #expect(merger.cachedState("c1")?.pending == true) // waits for a line with the address
    }

    @Test func gainedIsASuccessNotAFailure() {
        var merger = MultiLineMerger(layout: Self.layout, detailed: false)
        #expect(merger.resolve(match(["mlfid": "c1", "ip4": "192.0.2.1"]), file: 0) != nil)
        #expect(merger.resolve(match(["mlfid": "c1", "mlfgained": "1"]), file: 0) == nil)
    }

    @Test func failureWithoutDateIsCountedAsUndated() {
        var merger = MultiLineMerger(layout: Self.layout, detailed: false)
        var undated = match(["ip4": "192.0.2.1"])
        undated.match.time = nil
        #expect(merger.resolve(undated, file: 0) == nil)
        #expect(merger.counters.noDate == 1)
        #expect(merger.resolve(match(["host": "300.1.1.1x"]), file: 0)?.id == .host("300.1.1.1x"))
    }

    /// fail2ban keeps 100 connections; the 101st evicts the oldest, whose next line then
    /// starts afresh (a PID that comes back later is another connection).
    @Test func theConnectionCacheHoldsAHundred() {
        var merger = MultiLineMerger(layout: Self.layout, detailed: false)
        #expect(merger.resolve(match(["mlfid": "c0", "ip4": "192.0.2.1", "nofail": "1"]), file: 0) == nil)
        for n in 1...99 { _ = merger.resolve(match(["mlfid": "c\(n)", "ip4": "192.0.2.2", "nofail": "1"]), file: 0) }
        #expect(merger.liveCount == 100)
        #expect(merger.cachedState("c0")?.fields[Self.layout.ip4] == "192.0.2.1", "a hundred connections are kept")
        _ = merger.resolve(match(["mlfid": "c100", "ip4": "192.0.2.3", "nofail": "1"]), file: 0)
        #expect(merger.liveCount == 100)
        #expect(merger.cachedState("c0") == nil, "the oldest connection was evicted")
        #expect(merger.resolve(match(["mlfid": "c0", "user": "bob"]), file: 0) == nil, "no address: pending")
    }

    @Test func usersOfOneConnectionAccumulate() {
        var merger = MultiLineMerger(layout: Self.layout, detailed: true)
        _ = merger.resolve(match(["mlfid": "c1", "ip4": "192.0.2.1", "user": "alice"]), file: 0)
        let failure = merger.resolve(match(["mlfid": "c1", "ip4": "192.0.2.1", "user": "bob"]), file: 0)
        #expect(failure?.fields?["users"] == "alice\u{1f}bob")
    }

    /// A connection's users kept as bytes in one reused buffer: emptied by count, refilled
    /// with longer and shorter names, each counted once (compared byte for byte, a prefix of
    /// another name is another name).
    @Test func distinctUsersReuseTheirStorage() {
        var users = DistinctUsers()
        func add(_ name: String) {
            var name = name
            name.withUTF8 { users.insert($0) }
        }
        for name in ["alice", "bob", "alice", "al", "bob", "alice2"] { add(name) }
        #expect(users.names == ["alice", "bob", "al", "alice2"])
        users.removeAll()
        #expect(users.isEmpty && users.names.isEmpty)
        for name in ["a-much-longer-name-than-before", "x", "x", "a-much-longer-name-than-before", "é"] { add(name) }
        #expect(users.count == 3)
        #expect(users.names == ["a-much-longer-name-than-before", "x", "é"])
        users.removeAll()
        add("x")
        #expect(users.names == ["x"])
    }
}

/// fail2ban's BanManager: maxretry reached again while banned prolongs the ban (its count
/// stays), and a ban is lifted only once the time is past its end.
@Suite struct BanProlongationTests {
    let policy = JailPolicy(maxRetry: 2, findTime: 100, banTime: 1000)

    @Test func repeatWhileBannedProlongs() {
        let bans = FailManager(policy: policy).bans([0, 10, 500, 510, 2000, 2010])
        #expect(bans.map(\.start) == [10, 2010])
        #expect(bans.map(\.end) == [1510, 3010]) // 510 + 1000: prolonged; then a new ban
    }

    @Test func theEndItselfIsStillBanned() {
        let bans = FailManager(policy: policy).bans([0, 10, 1000, 1010])
        #expect(bans.count == 1 && bans[0].end == 2010) // 1010 <= 10 + 1000: prolonged
        let record = FailManager(policy: policy).decide(
            [0, 10, 1000, 1010].map { Failure(id: .address(IPAddress("192.0.2.9")!), time: $0, file: 0, line: 0, failregex: 0) })[0]
        #expect(record.isBanned(at: 2010) && !record.isBanned(at: 2011) && !record.isBanned(at: 9))
    }

    @Test func permanentBansStayOne() {
        let bans = FailManager(policy: JailPolicy(maxRetry: 2, findTime: 100, banTime: -1)).bans([0, 10, 500, 510])
        #expect(bans.count == 1 && bans[0].end == Int.max)
    }

    @Test func ignoreselfCoversLoopbackAndNamedAddresses() {
        let jail = JailConfig(name: "j")
        let policy = JailPolicy(jail: jail, selfAddresses: [CIDR("203.0.113.7")!])
        #expect(policy.ignores(.address(IPAddress("127.0.0.1")!)))
        #expect(policy.ignores(.address(IPAddress("127.3.4.5")!)))
        #expect(policy.ignores(.address(IPAddress("::1")!)))
        #expect(policy.ignores(.address(IPAddress("203.0.113.7")!)))
        #expect(!policy.ignores(.address(IPAddress("203.0.113.8")!)))
        var off = jail
        off.ignoreSelf = false
        #expect(!JailPolicy(jail: off, selfAddresses: [CIDR("203.0.113.7")!]).ignores(.address(IPAddress("127.0.0.1")!)))
    }
}

/// `bantime.increment`'s arithmetic (the oracle test drives fail2ban's own classes).
@Suite struct BanTimeIncrementTests {
    @Test func formulas() {
        var settings = BanTimeIncrement()
        #expect((1...4).map { settings.banTime(base: 600, count: $0, jitter: 0) } == [1200, 2400, 4800, 9600])
        settings.maxTime = 3000
        #expect(settings.banTime(base: 600, count: 4, jitter: 0) == 3000)
        settings.rndTime = 100
        #expect(settings.banTime(base: 600, count: 4, jitter: 0.5) == 3050)
        settings = BanTimeIncrement()
        settings.multipliers = [1, 5, 30]
        #expect([1, 2, 9].map { settings.banTime(base: 60, count: $0, jitter: 0) } == [300, 1800, 1800])
        #expect(BanTimeIncrement.formula("ban.Time * (1<<(ban.Count if ban.Count<20 else 20)) * banFactor") == .doubling)
        #expect(BanTimeIncrement.formula("ban.Time * 3") == nil)
    }

    /// rndtime's share is the same on every run and differs between addresses.
    @Test func jitterIsDeterministic() {
        let a = FailManager.jitter(.address(IPAddress("192.0.2.1")!), 1)
        #expect(a == FailManager.jitter(.address(IPAddress("192.0.2.1")!), 1))
        #expect(a != FailManager.jitter(.address(IPAddress("192.0.2.2")!), 1))
        #expect((0..<1).contains(a))
    }
}

/// ``ConnectionCache`` against a model of fail2ban's OrderedDict (a list in creation order,
/// the first evicted when full): seeded random lookups, inserts and removals over ids whose
/// hashes collide on purpose (a few hash values, so probe runs and backward-shift deletion
/// are exercised), for several limits.
@Suite struct ConnectionCacheTests {
    @Test(arguments: [1, 3, 10, 100])
    func behavesAsAnOrderedDictWithALimit(limit: Int) {
        var generator = SeededGenerator(seed: UInt64(17 + limit))
        var cache = ConnectionCache<Int>(limit: limit, empty: -1)
        var model: [(id: [UInt8], state: Int)] = []
        for step in 0..<20_000 {
            let id = Array("c\(generator.next() % UInt64(3 * limit + 5))".utf8)
            // Few distinct hashes: most ids collide with others.
            let hash = UInt64(id.reduce(0) { $0 &+ Int($1) } % 5) &* 0x9E37_79B9_7F4A_7C15
            let found = id.withUnsafeBufferPointer { cache.find($0, hash: hash) }
            let modelIndex = model.firstIndex { $0.id == id }
            #expect((found != nil) == (modelIndex != nil), "step \(step)")
            if let found, let modelIndex { #expect(cache.states[found] == model[modelIndex].state) }
            switch generator.next() % 4 {
            case 0:
                if let found, let modelIndex {
                    cache.remove(found)
                    model.remove(at: modelIndex)
                }
            case 1:
                if let found, let modelIndex {
                    cache.states[found] = step
                    model[modelIndex].state = step
                }
            default:
                if found == nil {
                    if model.count >= limit { model.removeFirst() }
                    var state = step
                    _ = id.withUnsafeBufferPointer { cache.insert($0, hash: hash, &state) }
                    model.append((id, step))
                }
            }
            #expect(cache.liveCount == model.count)
        }
        for entry in model {
            let hash = UInt64(entry.id.reduce(0) { $0 &+ Int($1) } % 5) &* 0x9E37_79B9_7F4A_7C15
            let found = entry.id.withUnsafeBufferPointer { cache.find($0, hash: hash) }
            #expect(found.map { cache.states[$0] } == entry.state)
        }
    }
}
