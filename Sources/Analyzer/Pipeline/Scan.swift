import Matcher

/// What a scan does: which filter, how dates are read, how much parallelism.
public struct ScanOptions: Sendable {
    public var threads: Int
    /// Bytes per chunk; also the longest line kept whole.
    public var chunkSize: Int = 1 << 20
    /// Count line numbers and keep `<F-USER>` captures (slower; for `failscan regex`).
    public var detailed: Bool = false

    public init(threads: Int = 1, chunkSize: Int = 1 << 20, detailed: Bool = false) {
        self.threads = threads
        self.chunkSize = chunkSize
        self.detailed = detailed
    }
}

/// What one file gave.
public struct FileScanResult: Sendable {
    public var failures: [Failure] = []
    public var warnings: [ScanError] = []
    public var bytes = 0
    public var compression: Compression = .none
    public var counters = FilterRunner.Counters()
}

/// The outcome of a scan: failures in input order (file by file, line by line), and
/// everything worth reporting about the inputs.
public struct ScanResult: Sendable {
    public var failures: [Failure] = []
    public var warnings: [ScanError] = []
    /// Uncompressed bytes scanned.
    public var bytes = 0
    public var counters = FilterRunner.Counters()
    public var filesRead = 0
}

/// Scans log files with one filter on several threads. Results do not depend on the
/// thread count: each file's failures are kept in line order and files are merged in
/// the order given.
public struct Scan: Sendable {
    public let matcher: FilterMatcher
    public let detector: DateDetector
    public let options: ScanOptions

    public init(matcher: FilterMatcher, detector: DateDetector, options: ScanOptions) {
        self.matcher = matcher
        self.detector = detector
        self.options = options
    }

    /// Scans `paths` (plain or gzip, recognised by content).
    public func run(_ paths: [String], progress: (@Sendable (Int) -> Void)? = nil) -> ScanResult {
        let slots = ResultSlots<FileScanResult>(count: paths.count)
        let matcher = self.matcher, detector = self.detector, options = self.options
        WorkerPool.run(threads: options.threads, jobs: paths.count) { _, index in
            let result = Scan.scanFile(paths[index], index: index, matcher: matcher, detector: detector, options: options, progress: progress)
            slots.set(index, result)
        }
        var total = ScanResult()
        for case let result? in slots.values() {
            total.failures.append(contentsOf: result.failures)
            total.warnings.append(contentsOf: result.warnings)
            total.bytes += result.bytes
            total.counters.candidates += result.counters.candidates
            total.counters.matched += result.counters.matched
            total.counters.noDate += result.counters.noDate
            total.counters.invalidID += result.counters.invalidID
            total.counters.limitHits += result.counters.limitHits
            if result.warnings.allSatisfy({ $0.code != .open && $0.code != .unsupportedCompression }) { total.filesRead += 1 }
        }
        return total
    }

    static func scanFile(_ path: String, index: Int, matcher: FilterMatcher, detector: DateDetector,
                         options: ScanOptions, progress: (@Sendable (Int) -> Void)?) -> FileScanResult {
        var result = FileScanResult()
        let runner = FilterRunner(matcher: matcher, detector: detector, detailed: options.detailed)
        runner.startFile()
        do {
            let (source, compression) = try LogSource.open(path)
            result.compression = compression
            let chunker = LineChunker(source: source, capacity: options.chunkSize)
            var reported = 0
            while let chunk = try chunker.next() {
                runner.scan(chunk, file: index, into: &result.failures)
                if let progress, chunker.bytesRead - reported >= 64 << 20 {
                    progress(chunker.bytesRead - reported)
                    reported = chunker.bytesRead
                }
            }
            result.bytes = chunker.bytesRead
            result.warnings.append(contentsOf: source.warnings)
            if chunker.longLines > 0 {
                result.warnings.append(ScanError(.lineTooLong, path: path, "\(chunker.longLines) line(s) longer than \(options.chunkSize) bytes were cut"))
            }
        } catch {
            result.warnings.append(error)
        }
        result.counters = runner.counters
        return result
    }
}
