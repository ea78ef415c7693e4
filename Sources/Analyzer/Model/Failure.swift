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

    public init(id: FailureID, time: Int, file: Int, line: Int, failregex: Int, fields: [String: String]? = nil) {
        self.id = id
        self.time = time
        self.file = file
        self.line = line
        self.failregex = failregex
        self.fields = fields
    }
}
