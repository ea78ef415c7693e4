import FuzzTargets

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's driver (libclang_rt.fuzzer, linked by -sanitize=fuzzer). SwiftPM gives the
/// executable its own entry point, which calls the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target `FAILSCAN_FUZZ_TARGET` names (config, date, dialect, linematcher).
nonisolated(unsafe) var target: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil

/// One input, for libFuzzer.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    target?(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}

/// failscan's fuzz targets behind one libFuzzer executable (built and run by scripts/fuzz).
@main
enum FailscanFuzz {
    static func main() {
        let name = getenv("FAILSCAN_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let body = FuzzTargets.all[name] else {
            let message = "FAILSCAN_FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(64)
        }
        target = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv, testOneInput))
    }
}
