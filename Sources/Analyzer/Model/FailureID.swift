/// Who failed: an address, a host name `<HOST>` matched (not resolved), or another
/// failure id (an `<F-ID>`).
package enum FailureID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case address(IPAddress)
    case other(String)
    /// fail2ban resolves these (`usedns`) and bans the addresses; unresolved, failscan
    /// reports them and never bans them.
    case host(String)

    package var address: IPAddress? { if case .address(let a) = self { return a } else { return nil } }

    package var description: String {
        switch self {
        case .address(let a): return a.description
        case .other(let s): return s
        case .host(let s): return s
        }
    }

    /// Addresses first, then other ids, then host names.
    package static func < (a: FailureID, b: FailureID) -> Bool {
        switch (a, b) {
        case (.address(let x), .address(let y)): return x < y
        case (.other(let x), .other(let y)), (.host(let x), .host(let y)): return x < y
        default: return a.rank < b.rank
        }
    }

    var rank: Int {
        switch self {
        case .address: return 0
        case .other: return 1
        case .host: return 2
        }
    }
}
