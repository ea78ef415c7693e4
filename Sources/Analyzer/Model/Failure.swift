/// One failure: a line that a failregex matched.
package struct Failure: Sendable, Equatable {
    package var id: FailureID
    /// Unix time of the line.
    package var time: Int
    /// Index of the input file in the scan's file list.
    package var file: Int
    /// 1-based line number, when line numbers were asked for (0 otherwise).
    package var line: Int
    /// 0-based index of the failregex that matched.
    package var failregex: Int
    /// The named captures (`user` and the like), only when captures were asked for.
    package var fields: [String: String]?

    package init(id: FailureID, time: Int, file: Int, line: Int, failregex: Int, fields: [String: String]? = nil) {
        self.id = id
        self.time = time
        self.file = file
        self.line = line
        self.failregex = failregex
        self.fields = fields
    }
}
