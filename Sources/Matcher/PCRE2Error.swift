import CPCRE2

/// An error reported by PCRE2, with the stage it came from and PCRE2's own message.
///
/// Modeled on rust-pcre2's error: the kind says which call failed, `code` is PCRE2's
/// negative error number, and `offset` is the pattern offset for compile errors.
public struct PCRE2Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which PCRE2 call failed.
    public enum Kind: String, Sendable {
        /// `pcre2_compile` refused the pattern.
        case compile
        /// `pcre2_jit_compile` failed (JIT required but unavailable, or out of memory).
        case jit
        /// `pcre2_match` failed for a reason other than "no match" (limits, bad UTF).
        case match
    }

    /// What went wrong.
    public let kind: Kind
    /// PCRE2's error code (negative for match errors, positive for compile errors).
    public let code: Int32
    /// Offset in the pattern where compilation failed, if any.
    public let offset: Int?
    /// PCRE2's message for `code`, from `pcre2_get_error_message`.
    public let message: String
    /// The pattern involved, when known (compile and JIT errors).
    public let pattern: String?

    init(kind: Kind, code: Int32, offset: Int? = nil, pattern: String? = nil) {
        self.kind = kind
        self.code = code
        self.offset = offset
        self.pattern = pattern
        self.message = PCRE2Error.message(for: code)
    }

    /// Whether this match error means a resource limit was hit (match, depth, heap or
    /// JIT stack limit): the line is given up on, the scan goes on.
    public var isResourceLimit: Bool {
        kind == .match
            && [
                PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT,
                PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT,
            ].contains(code)
    }

    /// The error as a sentence, with PCRE2's message.
    public var description: String {
        var text = "PCRE2 \(kind.rawValue) error \(code): \(message)"
        if let offset { text += " at offset \(offset)" }
        if let pattern { text += " in pattern \(pattern)" }
        return text
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            pcre2_get_error_message_8(code, $0.baseAddress, $0.count)
        }
        guard length > 0 else { return "unknown PCRE2 error" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}
