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

/// One failure: a line that a failregex matched.
public struct Failure: Sendable, Equatable {
    public var id: FailureID
    /// Unix time of the line.
    public var time: Int
    /// Index of the input file in the scan's file list.
    public var file: Int
    /// 1-based line number, when line numbers were asked for (0 otherwise).
    public var line: Int
    /// 0-based index of the failregex that matched.
    public var failregex: Int
    /// The named captures (`user` and the like), only when captures were asked for.
    public var fields: [String: String]?
}
