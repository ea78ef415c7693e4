import Foundation
import Matcher
import Synchronization

/// What a scan does: which filter, how dates are read, how much parallelism.
public struct ScanOptions: Sendable {
    /// Matching threads. With more than one, files are also read (and inflated) on
    /// threads of their own, up to one per file and at most this many.
    public var threads: Int
    /// Bytes per chunk; also the longest line kept whole.
    public var chunkSize: Int = 1 << 20
    /// Count line numbers and keep `<F-USER>` captures (slower; for `failscan regex`).
    public var detailed: Bool = false
    /// The gzip inflater.
    public var inflate: InflateEngine = .isal
    /// The filter's `maxlines`: more than one means a buffer of lines is matched.
    public var maxLines: Int = 1
    /// What "now" is for dates without a year.
    public var yearAnchor: YearAnchor = .fixedNow

    public init(threads: Int = 1, chunkSize: Int = 1 << 20, detailed: Bool = false, inflate: InflateEngine = .isal, maxLines: Int = 1) {
        self.threads = threads
        self.chunkSize = chunkSize
        self.detailed = detailed
        self.inflate = inflate
        self.maxLines = maxLines
    }
}

/// How the year of a date without one is chosen.
public enum YearAnchor: Sendable {
    /// fail2ban's rule with the detector's "now" (`--now`, or the current time).
    case fixedNow
    /// fail2ban's rule with each file's modification time as "now": an archive read
    /// months later still puts Nov and Dec lines before Jan ones, in the right years.
    case fileModificationTime
}

/// What one input file gave, once it is read to its end.
public struct FileSummary: Sendable {
    public var path: String
    public var warnings: [ScanError] = []
    /// Uncompressed bytes.
    public var bytes = 0
    public var compression: Compression = .none
    /// Whether the file could be opened and read at all.
    public var opened = false
    /// How many chunks it was cut into.
    public var chunks = 0
}

/// The outcome of a scan, apart from the failures (which go to the consumer).
public struct ScanSummary: Sendable {
    public var files: [FileSummary] = []
    public var counters = FilterRunner.Counters()
    public var failures = 0
    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }
    public var warnings: [ScanError] { files.flatMap(\.warnings) }
    public var filesRead: Int { files.filter(\.opened).count }
}

/// Scans log files with one filter: readers cut files into chunks of whole lines
/// (inflating gzip on their own threads), workers match chunks on all cores, and the
/// failures reach the consumer in input order (file by file, line by line), so results
/// never depend on the thread count or the chunk size. Memory is bounded by a fixed
/// pool of chunk buffers.
public struct Scan: Sendable {
    public let matcher: FilterMatcher
    public let detector: DateDetector
    public let options: ScanOptions

    public init(matcher: FilterMatcher, detector: DateDetector, options: ScanOptions) {
        self.matcher = matcher
        self.detector = detector
        self.options = options
    }

    /// Scans `paths` (plain or gzip, recognised by content); `consume` receives every
    /// failure in input order, on the calling thread.
    public func run(_ paths: [String], progress: (@Sendable (Int) -> Void)? = nil,
                    consume: (Failure) -> Void) -> ScanSummary {
        var assembler = Assembler(files: paths.count)
        var summary = ScanSummary()
        summary.files = paths.map { FileSummary(path: $0) }
        // Failures that depend on earlier lines need every line, in order.
        let stateful = options.maxLines > 1 || matcher.usesMultiLineIDs
        if options.threads <= 1 || stateful {
            let runner = FilterRunner(matcher: matcher, detector: detector, detailed: options.detailed)
            let buffer = ChunkBuffer(capacity: options.chunkSize)
            for (index, path) in paths.enumerated() {
                let fileDetector = Self.detector(detector, for: path, options: options)
                let statefulRunner = stateful ? StatefulFilterRunner(matcher: matcher, detector: fileDetector, maxLines: options.maxLines, detailed: options.detailed) : nil
                summary.files[index] = Self.read(path, index: index, options: options, progress: progress,
                                                 acquire: { buffer }, release: { _ in }, emit: { seq, chunk in
                    let matches = statefulRunner?.scan(chunk.bytes, file: index) ?? runner.scan(chunk.bytes, file: index, detector: fileDetector)
                    assembler.deliver(file: index, seq: seq, matches, consume: consume)
                })
                assembler.end(file: index, chunks: summary.files[index].chunks, consume: consume)
            }
            summary.counters = assembler.counters
            summary.failures = assembler.failureCount
            return summary
        }
        let workers = options.threads
        let readers = min(paths.count, workers)
        let pool = BlockingQueue<ChunkBuffer>()
        for _ in 0..<(2 * workers + 2 * readers) { pool.push(ChunkBuffer(capacity: options.chunkSize)) }
        let work = BlockingQueue<WorkItem>()
        let results = BlockingQueue<PipelineEvent>()
        let nextFile = Atomic<Int>(0)
        let options = self.options, matcher = self.matcher, detector = self.detector
        let group = DispatchGroup()
        let remainingReaders = Atomic<Int>(readers)
        for _ in 0..<readers {
            spawn(group) {
                while true {
                    let index = nextFile.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < paths.count else { break }
                    let fileDetector = Self.detector(detector, for: paths[index], options: options)
                    let file = Self.read(paths[index], index: index, options: options, progress: progress,
                                         acquire: { pool.pop()! }, release: { pool.push($0) }, emit: { seq, chunk in
                        work.push(WorkItem(file: index, seq: seq, buffer: chunk, detector: fileDetector))
                    })
                    results.push(.fileEnded(index, file))
                }
                if remainingReaders.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 { work.close() }
            }
        }
        let remainingWorkers = Atomic<Int>(workers)
        for _ in 0..<workers {
            spawn(group) {
                let runner = FilterRunner(matcher: matcher, detector: detector, detailed: options.detailed)
                while let item = work.pop() {
                    let matches = runner.scan(item.buffer.bytes, file: item.file, detector: item.detector)
                    pool.push(item.buffer)
                    results.push(.chunk(item.file, item.seq, matches))
                }
                if remainingWorkers.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 { results.close() }
            }
        }
        while let event = results.pop() {
            switch event {
            case .chunk(let file, let seq, let matches): assembler.deliver(file: file, seq: seq, matches, consume: consume)
            case .fileEnded(let file, let fileSummary):
                summary.files[file] = fileSummary
                assembler.end(file: file, chunks: fileSummary.chunks, consume: consume)
            }
        }
        group.wait()
        summary.counters = assembler.counters
        summary.failures = assembler.failureCount
        return summary
    }

    struct WorkItem: Sendable {
        let file: Int
        let seq: Int
        let buffer: ChunkBuffer
        let detector: DateDetector
    }

    /// The detector for one file: with its modification time as "now" when so asked.
    static func detector(_ base: DateDetector, for path: String, options: ScanOptions) -> DateDetector {
        guard options.yearAnchor == .fileModificationTime else { return base }
        var info = stat()
        guard stat(path, &info) == 0 else { return base }
        return base.anchored(at: Int(info.st_mtim.tv_sec))
    }

    enum PipelineEvent: Sendable {
        case chunk(Int, Int, ChunkMatches)
        case fileEnded(Int, FileSummary)
    }

    /// Reads one file into chunks: `acquire` gives an empty buffer, `emit` takes a full one.
    static func read(_ path: String, index: Int, options: ScanOptions, progress: (@Sendable (Int) -> Void)?,
                     acquire: () -> ChunkBuffer, release: (ChunkBuffer) -> Void,
                     emit: (Int, ChunkBuffer) -> Void) -> FileSummary {
        var summary = FileSummary(path: path)
        var seq = 0
        do {
            let (source, compression) = try LogSource.open(path, engine: options.inflate)
            summary.compression = compression
            summary.opened = true
            let chunker = LineChunker(source: source, capacity: options.chunkSize)
            var reported = 0
            var buffer = acquire()
            while let count = try chunker.fill(buffer.storage) {
                buffer.count = count
                emit(seq, buffer)
                seq += 1
                buffer = acquire()
                if let progress, chunker.bytesRead - reported >= 64 << 20 {
                    progress(chunker.bytesRead - reported)
                    reported = chunker.bytesRead
                }
            }
            release(buffer)
            summary.bytes = chunker.bytesRead
            summary.warnings.append(contentsOf: source.warnings)
            if chunker.longLines > 0 {
                summary.warnings.append(ScanError(.lineTooLong, path: path, "\(chunker.longLines) line(s) longer than \(options.chunkSize) bytes were cut"))
            }
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
