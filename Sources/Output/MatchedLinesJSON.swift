import Analyzer

/// `failscan regex --json`'s matched lines: one ``MatchedLineRow`` a line, written out in
/// pieces of 64 KiB as the scan finds them.
package final class MatchedLinesJSON {
    /// The inputs' names, by file number.
    let names: [String]
    let write: ([UInt8]) -> Void
    var out: [UInt8] = []

    package init(names: [String], write: @escaping ([UInt8]) -> Void) {
        self.names = names
        self.write = write
    }

    /// One failure's line.
    package func add(_ failure: Failure) {
        let row = MatchedLineRow(
            file: names[failure.file], line: failure.line, time: failure.time, ip: failure.id.description,
            failregex: failure.failregex + 1, fields: .init(values: failure.fields ?? [:]))
        row.writeJSON(to: &out)
        out.append(10)
        if out.count > 1 << 16 {
            write(out)
            out.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is left.
    package func finish() {
        write(out)
        out.removeAll()
    }
}
