import Foundation
import LogSource
import Matcher
import Synchronization

/// Scans log files with one or more filters: readers cut each file into chunks of whole
/// lines once (inflating on their own threads), workers match every chunk with every
/// filter that reads the file, on all cores, and failures reach the consumer in input
/// order per filter (file by file, line by line), so results never depend on the thread
/// count or the chunk size. Memory is bounded by a fixed pool of chunk buffers.
///
/// Filters with `maxlines` > 1 see every line in order: each runs on a lane (a thread) of
/// its own that gets a copy of every chunk it reads, in parallel with the workers and
/// with the other lanes.
package struct Scan: Sendable {
    package let filters: [ScanFilter]
    package let options: ScanOptions

    /// A scan with one single-line filter over every file (``CompiledFilter/scanFilter(files:)``
    /// gives a filter with its `maxlines`).
    package init(matcher: FilterMatcher, detector: DateDetector, options: ScanOptions) {
        self.filters = [ScanFilter(matcher: matcher, detector: detector)]
        self.options = options
    }

    /// A scan with several filters, each over its own files; each file is read once.
    package init(filters: [ScanFilter], options: ScanOptions) {
        self.filters = filters
        self.options = options
    }

    /// Scans `inputs` with the single filter; `consume` receives every failure in input
    /// order, on the calling thread.
    package func run(
        _ inputs: [LogInput], progress: (@Sendable (ReadProgress) -> Void)? = nil,
        consume: (Failure) -> Void
    ) -> ScanSummary {
        run(inputs, progress: progress) { (_: Int, failure: Failure) in consume(failure) }
    }

    /// Scans the files at `paths`; `consume` receives (filter index, failure) in input
    /// order per filter.
    package func run(
        _ paths: [String], progress: (@Sendable (ReadProgress) -> Void)? = nil,
        consume: (Int, Failure) -> Void
    ) -> ScanSummary {
        run(paths.map(LogInput.file), progress: progress, consume: consume)
    }

    /// Scans `inputs`; `consume` receives (filter index, failure) in input order per filter.
    package func run(
        _ paths: [LogInput], progress: (@Sendable (ReadProgress) -> Void)? = nil,
        consume: (Int, Failure) -> Void
    ) -> ScanSummary {
        let options = self.options, filters = self.filters
        var assemblers = filters.map { filter in
            Assembler(
                files: paths.count,
                merger: filter.matcher.usesMultiLineIDs && !filter.needsLane
                    ? MultiLineMerger(layout: filter.matcher.fieldLayout, detailed: options.detailed) : nil)
        }
        var summary = ScanSummary()
        summary.files = paths.map { FileSummary(path: $0.name) }
        let wanted = paths.indices.filter { file in filters.contains { $0.reads(file) } }
        for (f, filter) in filters.enumerated() {
            for file in paths.indices where !filter.reads(file) { assemblers[f].end(file: file, chunks: 0, consume: { _ in }) }
        }
        // Each chunk's matches are moved, not copied, to their assembler: a copy shared
        // with the event made the merge copy every multi-line match (perf: 6% of sshd).
        func deliver(_ file: Int, _ seq: Int, _ matches: consuming [(Int, ChunkMatches)]) {
            var matches = matches
            for k in matches.indices {
                var chunk = ChunkMatches()
                swap(&chunk, &matches[k].1)
                let f = matches[k].0
                assemblers[f].deliver(file: file, seq: seq, consume chunk) { consume(f, $0) }
            }
        }
        func end(_ file: Int, _ chunks: Int) {
            for (f, filter) in filters.enumerated() where filter.reads(file) {
                assemblers[f].end(file: file, chunks: chunks) { consume(f, $0) }
            }
        }
        let laneFilters = filters.indices.filter { filters[$0].needsLane }
        let joints = JointPrefilters(filters, files: paths.count)
        if options.threads <= 1 || wanted.isEmpty {
            let matching = ChunkMatching(filters, detailed: options.detailed, joints: joints)
            let buffer = ChunkBuffer(capacity: options.chunkSize)
            for index in wanted {
                let detectors = Self.detectors(filters, for: paths[index], options: options)
                let lanes = laneFilters.filter { filters[$0].reads(index) }.map { f in
                    (
                        f,
                        LineBufferRunner(
                            matcher: filters[f].matcher, detector: detectors[f], maxLines: filters[f].maxLines, detailed: options.detailed)
                    )
                }
                summary.files[index] = Self.read(
                    paths[index], index: index, options: options, progress: progress,
                    acquire: { buffer }, release: { _ in },
                    emit: { seq, chunk in
                        var matches = matching.match(chunk.bytes, file: index, detectors: detectors)
                        for (f, runner) in lanes { matches.append((f, runner.scan(chunk.bytes, file: index))) }
                        deliver(index, seq, matches)
                    })
                end(index, summary.files[index].chunks)
            }
            summary.finish(assemblers)
            return summary
        }
        // `threads` threads in all: a reader per file up to that many, the rest workers.
        // A reader queues each chunk it reads and matches queued chunks itself while more
        // than one waits: one chunk is always ready for whichever thread is free first (a
        // worker that finished just after the reader chose to match a chunk itself waited
        // for that whole chunk: 2 threads ran 1.5 cores on sshd). A reader out of files
        // becomes a worker. So a file whose filters cost more than the others' (the stock
        // sshd filter on auth.log beside mail logs) is matched on every core, and one large
        // file still uses every core.
        let readers = min(wanted.count, options.threads)
        let workers = options.threads - readers
        let pool = BlockingQueue<ChunkBuffer>()
        for _ in 0..<(2 * options.threads + 2) { pool.push(ChunkBuffer(capacity: options.chunkSize)) }
        let remainingThreads = Atomic<Int>(readers + workers + laneFilters.count)
        let work = BlockingQueue<WorkItem>()
        let laneQueues = laneFilters.map { _ in BlockingQueue<LaneItem>(capacity: 8) }
        // Bounded: when failures come faster than the assembler and the ledger take them
        // (millions of failures at several GB/s), matching waits instead of memory
        // growing with the input. The consumer takes events in any order, so producers
        // blocked here never wait on each other.
        let results = BlockingQueue<PipelineEvent>(capacity: 4 * options.threads)
        let nextFile = Atomic<Int>(0)
        let group = DispatchGroup()
        let remainingReaders = Atomic<Int>(readers)
        @Sendable func finished() {
            if remainingThreads.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 { results.close() }
        }
        @Sendable func process(_ item: WorkItem, _ matching: ChunkMatching) {
            let matches = matching.match(item.buffer.bytes, file: item.file, detectors: item.detectors)
            pool.push(item.buffer)
            results.push(.chunk(item.file, item.seq, matches))
        }
        /// Matches handed-over chunks until every reader is done.
        @Sendable func help(_ matching: ChunkMatching) {
            while true {
                guard let item = work.pop() else { return }
                process(item, matching)
            }
        }
        for _ in 0..<readers {
            spawn(group) {
                let matching = ChunkMatching(filters, detailed: options.detailed, joints: joints)
                while true {
                    let position = nextFile.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard position < wanted.count else { break }
                    let index = wanted[position]
                    let detectors = Self.detectors(filters, for: paths[index], options: options)
                    let lanes = laneFilters.indices.filter { filters[laneFilters[$0]].reads(index) }
                    let file = Self.read(
                        paths[index], index: index, options: options, progress: progress,
                        acquire: { pool.pop()! }, release: { pool.push($0) },
                        emit: { seq, chunk in
                            for lane in lanes {
                                let f = laneFilters[lane]
                                laneQueues[lane].push(.chunk(index, seq, Array(chunk.bytes), detectors[f]))
                            }
                            work.push(WorkItem(file: index, seq: seq, buffer: chunk, detectors: detectors))
                            // One chunk stays queued for whichever thread is free first; the
                            // reader matches the others.
                            while work.count > 1, let item = work.tryPop() { process(item, matching) }
                        })
                    for lane in lanes { laneQueues[lane].push(.end(index)) }
                    results.push(.fileEnded(index, file))
                }
                if remainingReaders.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                    work.close()
                    for queue in laneQueues { queue.close() }
                }
                help(matching)
                finished()
            }
        }
        for _ in 0..<workers {
            spawn(group) {
                help(ChunkMatching(filters, detailed: options.detailed, joints: joints))
                finished()
            }
        }
        for (lane, f) in laneFilters.enumerated() {
            spawn(group) {
                let filter = filters[f]
                var runners: [Int: LineBufferRunner] = [:]
                while let item = laneQueues[lane].pop() {
                    switch item {
                    case .chunk(let file, let seq, let bytes, let detector):
                        if runners[file] == nil {
                            runners[file] = LineBufferRunner(
                                matcher: filter.matcher, detector: detector, maxLines: filter.maxLines, detailed: options.detailed)
                        }
                        let matches = bytes.withUnsafeBufferPointer { runners[file]!.scan($0, file: file) }
                        results.push(.chunk(file, seq, [(f, matches)]))
                    case .end(let file):
                        runners[file] = nil
                    }
                }
                finished()
            }
        }
        while let event = results.pop() {
            switch consume event {
            case .chunk(let file, let seq, let matches): deliver(file, seq, matches)
            case .fileEnded(let file, let fileSummary):
                summary.files[file] = fileSummary
                end(file, fileSummary.chunks)
            }
        }
        group.wait()
        summary.finish(assemblers)
        return summary
    }

    /// A chunk for a lane: a copy of its bytes (the pooled buffer goes on to the workers).
    enum LaneItem: Sendable {
        case chunk(Int, Int, [UInt8], DateDetector)
        case end(Int)
    }

    struct WorkItem: Sendable {
        let file: Int
        let seq: Int
        let buffer: ChunkBuffer
        let detectors: [DateDetector]
    }

    /// The filters' detectors for one input: with a file's modification time (one `stat`)
    /// as "now" when so asked; a journal's entries carry their times.
    static func detectors(_ filters: [ScanFilter], for input: LogInput, options: ScanOptions) -> [DateDetector] {
        if input.isJournal { return filters.map(\.detector.journal) }
        var info = stat()
        guard options.yearAnchor == .fileModificationTime, let path = input.path, stat(path, &info) == 0 else {
            return filters.map(\.detector)
        }
        return filters.map { $0.detector.anchored(at: Int(info.st_mtim.tv_sec)) }
    }

    enum PipelineEvent: Sendable {
        case chunk(Int, Int, [(Int, ChunkMatches)])
        case fileEnded(Int, FileSummary)
    }

    /// Reads one input into chunks: `acquire` gives an empty buffer, `emit` takes a full one.
    static func read(
        _ input: LogInput, index: Int, options: ScanOptions, progress: (@Sendable (ReadProgress) -> Void)?,
        acquire: () -> ChunkBuffer, release: (ChunkBuffer) -> Void,
        emit: (Int, ChunkBuffer) -> Void
    ) -> FileSummary {
        var summary = FileSummary(path: input.name)
        var seq = 0
        do {
            let reader = try input.open(
                capacity: options.chunkSize, engine: options.inflate, keepsUnterminatedLine: options.countsUnterminatedLine)
            summary.compression = reader.compression
            summary.opened = true
            var reported = ReadProgress(bytes: 0, stored: 0)
            func report() {
                let now = ReadProgress(bytes: reader.bytesRead, stored: reader.storedBytesRead)
                progress?(ReadProgress(bytes: now.bytes - reported.bytes, stored: now.stored - reported.stored))
                reported = now
            }
            var buffer = acquire()
            while let count = try reader.fill(buffer.storage) {
                buffer.count = count
                emit(seq, buffer)
                seq += 1
                buffer = acquire()
                if progress != nil, reader.bytesRead - reported.bytes >= 16 << 20 { report() }
            }
            release(buffer)
            if progress != nil, reader.bytesRead > reported.bytes { report() }
            summary.bytes = reader.bytesRead
            summary.unterminatedBytes = reader.unterminatedBytes
            summary.firstLineHash = reader.firstLineHash
            summary.journalEnd = reader.journalEnd
            summary.warnings.append(contentsOf: reader.warnings)
        } catch {
            summary.warnings.append(error)
        }
        summary.chunks = seq
        return summary
    }

    private func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
