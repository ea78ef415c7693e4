import CPCRE2

/// A compiled (and by default JIT-compiled) PCRE2 pattern that can be shared by threads.
///
/// The pattern is compiled in `init`, before the object can be shared, and is never
/// mutated afterwards. Per-thread state (match data, JIT stack) lives in ``PCRE2Scratch``.
public final class PCRE2Regex: @unchecked Sendable {
    // SAFETY: `code` is written once in `init` and only read afterwards. PCRE2 documents
    // compiled patterns (including their JIT code) as safe to use from several threads at
    // once, as long as each thread has its own match data, which `PCRE2Scratch` provides.

    /// Whether the pattern must be JIT-compiled.
    public enum JITMode: Sendable {
        /// JIT-compile; fail with a `.jit` error if PCRE2 cannot.
        case required
        /// Use PCRE2's interpreter (tests run both modes).
        case off
    }

    /// How a pattern is compiled.
    public struct Options: Sendable, Equatable {
        /// Whether the pattern must be, may be, or is not JIT-compiled.
        public var jit: JITMode = .required
        /// Match as Python's `re` does on decoded text: UTF-8 with Unicode properties for
        /// `\d`, `\s`, `\w`, `\b` and case (`PCRE2_UTF | PCRE2_UCP`, invalid UTF-8 never
        /// matched: `PCRE2_MATCH_INVALID_UTF`); off means byte mode.
        public var utf: Bool = false
        /// Case-insensitive matching (`(?i)`).
        public var caseless: Bool = false
        /// `^` and `$` match at line breaks inside the subject (fail2ban's multi-line filters).
        public var multiline: Bool = false
        /// Options with PCRE2's defaults unless given.
        public init(jit: JITMode = .required, utf: Bool = false, caseless: Bool = false, multiline: Bool = false) {
            self.jit = jit
            self.utf = utf
            self.caseless = caseless
            self.multiline = multiline
        }
    }

    let code: OpaquePointer
    /// The pattern as compiled.
    public let pattern: String
    /// Number of capturing groups.
    public let captureCount: Int
    /// Named groups and their numbers.
    public let groupNumbers: [String: Int]
    /// Whether matching runs JIT code.
    public let isJITCompiled: Bool

    /// Compiles `pattern`.
    /// - Throws: `PCRE2Error` of kind `.compile` (with the offset) or `.jit`.
    public init(_ pattern: String, options: Options = Options()) throws(PCRE2Error) {
        var flags: UInt32 = 0
        if options.utf { flags |= PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF }
        if options.caseless { flags |= PCRE2_CASELESS }
        if options.multiline { flags |= PCRE2_MULTILINE }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, flags, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw PCRE2Error(kind: .compile, code: errorCode, offset: errorOffset, pattern: pattern)
        }
        var jitted = false
        if options.jit == .required {
            let rc = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE)
            guard rc == 0 else {
                pcre2_code_free_8(compiled)
                throw PCRE2Error(kind: .jit, code: rc, pattern: pattern)
            }
            jitted = true
        }
        self.code = compiled
        self.pattern = pattern
        self.isJITCompiled = jitted
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        self.captureCount = Int(count)
        self.groupNumbers = PCRE2Regex.readNameTable(compiled)
    }

    deinit { pcre2_code_free_8(code) }

    /// Searches `subject[start...]`, leaving the offsets in `scratch`.
    /// - Returns: whether the pattern matched.
    /// - Throws: `PCRE2Error` of kind `.match` when a limit is hit or PCRE2 fails.
    @inline(__always)
    public func search(
        _ subject: UnsafePointer<UInt8>, length: Int, from start: Int = 0,
        scratch: PCRE2Scratch
    ) throws(PCRE2Error) -> Bool {
        try handle.search(subject, length: length, from: start, scratch: scratch)
    }

    /// How many bytes from the start of `subject` the pattern gets through: the longest
    /// prefix on which PCRE2 (its interpreter, `PCRE2_PARTIAL_HARD`) reports a match or a
    /// partial match; `subject.count` when it matches. For `failscan regex --explain`.
    public func matchedPrefixLength(_ subject: UnsafeBufferPointer<UInt8>, scratch: PCRE2Scratch) -> Int {
        guard let base = subject.baseAddress else { return 0 }
        var length = subject.count
        while length > 0 {
            let rc = pcre2_match_8(
                code, base, length, 0, UInt32(PCRE2_NO_JIT | PCRE2_PARTIAL_HARD), scratch.matchData, scratch.matchContext)
            if rc >= 0 || rc == PCRE2_ERROR_PARTIAL { return length }
            length -= 1
        }
        return 0
    }

    /// A view of this pattern for per-line loops (see ``PCRE2Handle``).
    package var handle: PCRE2Handle { PCRE2Handle(code: code, jit: isJITCompiled) }

    private static func readNameTable(_ code: OpaquePointer) -> [String: Int] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard count > 0, let table else { return [:] }
        var names: [String: Int] = [:]
        for index in 0..<Int(count) {
            let entry = table + index * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            var end = 2
            while entry[end] != 0 { end += 1 }
            let name = String(decoding: UnsafeBufferPointer(start: entry + 2, count: end - 2), as: UTF8.self)
            names[name] = number
        }
        return names
    }
}

extension PCRE2Regex {
    /// The PCRE2 library's version, as it reports it (`10.42 2022-12-11`).
    public static var libraryVersion: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        guard length > 1 else { return "unknown" }
        return String(decoding: buffer.prefix(Int(length) - 1), as: UTF8.self)
    }

    /// Whether this PCRE2 build has its JIT compiler for this machine.
    public static var jitAvailable: Bool {
        var available: UInt32 = 0
        _ = pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &available)
        return available == 1
    }
}
