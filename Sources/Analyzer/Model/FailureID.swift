/// Who failed: an address, or another failure id (a host name not resolved, an `<F-ID>`).
public enum FailureID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case address(IPAddress)
    case other(String)

    public var address: IPAddress? { if case .address(let a) = self { return a } else { return nil } }

    public var description: String {
        switch self {
        case .address(let a): return a.description
        case .other(let s): return s
        }
    }

    public static func < (a: FailureID, b: FailureID) -> Bool {
        switch (a, b) {
        case (.address(let x), .address(let y)): return x < y
        case (.address, .other): return true
        case (.other, .address): return false
        case (.other(let x), .other(let y)): return x < y
        }
    }
}
