#if canImport(Glibc)
    import Glibc
#endif

/// Shell-style globbing through glob(3); a pattern that matches nothing gives nothing.
package enum Glob {
    /// The paths `pattern` matches, in glob(3)'s (sorted) order.
    package static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
