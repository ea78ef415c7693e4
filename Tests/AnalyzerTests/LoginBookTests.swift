import TestSupport
import Testing

@testable import Analyzer

/// The logins' own tables (addresses and users numbered by their bits and bytes, not by
/// `Dictionary`) against a plain dictionary of the same logins: growth, IPv4 and IPv6 with
/// the same bits, host names, users switching, chunks merged in order.
@Suite struct LoginBookTests {
    @Test func batchesMergeToWhatADictionaryHolds() throws {
        var generator = SeededGenerator(seed: 15)
        var expected: [FailureID: [TuneGrid.Success]] = [:]
        var book = LoginBook()
        var total = 0
        for chunk in 0..<20 {
            var batch = LoginBatch()
            for k in 0..<500 {
                let n = UInt32.random(in: 0..<3000, using: &generator)
                let id: FailureID =
                    switch n % 3 {
                    case 0: .address(.v4(n))
                    case 1: .address(.v6(0, UInt64(n - 1))) // the same low bits as an IPv4 address
                    default: .host("host\(n).example")
                    }
                let user = ["alice", "bob", "", "müller"][Int.random(in: 0..<4, using: &generator)]
                let time = 1_700_000_000 + chunk * 1000 + k
                Array(user.utf8).withUnsafeBufferPointer { batch.add(id, time: time, user: $0) }
                expected[id, default: []].append(.init(time: time, user: user))
                total += 1
            }
            #expect(book.merge(batch, undatedTime: nil) == 0)
        }
        let finished = book.finished()
        #expect(finished.count == total)
        #expect(finished.addresses == expected.count)
        for (id, logins) in expected {
            #expect(finished.contains(id))
            #expect(finished.successes(of: id) == logins.sorted { ($0.time, $0.user) < ($1.time, $1.user) }, "\(id)")
        }
        #expect(!finished.contains(.address(.v4(5000))))
        #expect(finished.successes(of: .address(.v4(5000))) == nil)
        let window = finished.restricted(to: 1_700_005_000, 1_700_009_999)
        #expect(window.count == 5 * 500)
    }

    @Test func undatedLoginsTakeTheTimeGivenOrAreDropped() {
        var batch = LoginBatch()
        Array("carol".utf8).withUnsafeBufferPointer { user in
            batch.add(.address(.v4(7)), time: nil, user: user)
            batch.add(.address(.v4(7)), time: 50, user: user)
        }
        batch.add(.address(.v4(8)), time: nil, user: nil)
        var dated = LoginBook()
        #expect(dated.merge(batch, undatedTime: 40) == 0)
        #expect(dated.finished().successes(of: .address(.v4(7))) == [.init(time: 40, user: "carol"), .init(time: 50, user: "carol")])
        #expect(dated.finished().successes(of: .address(.v4(8))) == [.init(time: 40, user: "")])
        var undated = LoginBook()
        #expect(undated.merge(batch, undatedTime: nil) == 2)
        #expect(undated.count == 1)
        #expect(!undated.finished().contains(.address(.v4(8))))
    }
}
