import Matcher

/// Puts one filter's chunk results back in input order and settles what depends on
/// earlier chunks: line numbers (chunk-relative until now), the date of undated failures
/// at the top of a chunk (the last date of the chunks before, in the same file), and the
/// merge of multi-line ids (``MultiLineMerger``), which needs every match in order.
struct Assembler {
    private var waiting: [Int: [Int: ChunkMatches]] = [:]
    private var chunkCounts: [Int?]
    private var currentFile = 0
    private var nextSeq = 0
    private var carriedTime: Int? = nil
    private var lineOffset = 0
    private var merger: MultiLineMerger?
    private(set) var counters = FilterCounters()
    private(set) var failureCount = 0
    /// The logins of a success filter, in input order.
    private(set) var logins = LoginBook()
    /// Lines of every file, when the scan counts them (detailed).
    private(set) var lineCount = 0
    /// Lines per file this filter read, when counted.
    private(set) var fileLines: [Int: Int] = [:]

    /// - Parameter merger: the merge of a filter with `<F-MLFID>` whose matches come in
    ///   ``ChunkMatches/multiLine``; nil for other filters.
    init(files: Int, merger: MultiLineMerger? = nil) {
        chunkCounts = Array(repeating: nil, count: files)
        self.merger = merger
    }

    /// Takes chunk `seq` of `file`; passes on every failure that is now in order.
    mutating func deliver(file: Int, seq: Int, _ matches: consuming ChunkMatches, consume: (Failure) -> Void) {
        waiting[file, default: [:]][seq] = matches
        drain(consume)
    }

    /// `file` has `chunks` chunks (it may end before its chunks arrive).
    mutating func end(file: Int, chunks: Int, consume: (Failure) -> Void) {
        chunkCounts[file] = chunks
        drain(consume)
    }

    private mutating func drain(_ consume: (Failure) -> Void) {
        while currentFile < chunkCounts.count {
            if let matches = waiting[currentFile]?.removeValue(forKey: nextSeq) {
                apply(matches, consume)
                nextSeq += 1
            } else if chunkCounts[currentFile] == nextSeq {
                waiting[currentFile] = nil
                if lineOffset > 0 { fileLines[currentFile] = lineOffset }
                currentFile += 1
                nextSeq = 0
                carriedTime = nil
                lineOffset = 0
                // The merge's connections carry over: fail2ban keeps one filter per jail
                // over all its files, so a session that spans a rotation keeps its state.
            } else {
                return
            }
        }
    }

    private mutating func apply(_ matches: consuming ChunkMatches, _ consume: (Failure) -> Void) {
        counters.add(matches.counters)
        var pending = matches.pendingTime[...]
        for (index, var failure) in matches.failures.enumerated() {
            if pending.first == index {
                pending = pending.dropFirst()
                guard let time = carriedTime else {
                    counters.noDate += 1
                    counters.matched -= 1
                    continue
                }
                failure.time = time
            }
            failure.line += lineOffset
            failureCount += 1
            consume(failure)
        }
        if matches.logins.count > 0 {
            let dropped = logins.merge(matches.logins, undatedTime: carriedTime)
            counters.noDate += dropped
            counters.matched -= dropped
        }
        if !matches.multiLine.isEmpty, merger != nil {
            matches.multiLineFields.withUnsafeBufferPointer { fields in
                for var match in matches.multiLine {
                    if match.time == nil { match.time = carriedTime }
                    match.line += lineOffset
                    if let failure = merger!.resolve(match, fields: UnsafeBufferPointer(rebasing: fields[match.fields]), file: currentFile)
                    {
                        failureCount += 1
                        consume(failure)
                    }
                }
            }
            counters.add(merger!.counters)
            merger!.counters = FilterCounters()
        }
        if let last = matches.lastTime { carriedTime = last }
        lineOffset += matches.lines
        lineCount += matches.lines
    }
}
