#if canImport(Glibc)
    import Glibc
#endif

/// The temporary file an output is being built in, removed if a signal (SIGTERM, SIGINT,
/// SIGHUP) ends failscan before it is renamed into place: nothing half-written is left.
enum TemporaryFiles {
    // SAFETY: written only by the thread that writes outputs (one at a time), read by the
    // signal handler, which only passes it to unlink(2), an async-signal-safe call.
    nonisolated(unsafe) static var current: UnsafeMutablePointer<CChar>? = nil
    nonisolated(unsafe) static var installed = false

    /// `path` is being written; it is removed if a signal comes before ``done()``.
    static func begin(_ path: String) {
        done()
        current = strdup(path)
        guard !installed else { return }
        installed = true
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig) { sig in
                if let path = TemporaryFiles.current { unlink(path) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// The temporary file is renamed or removed.
    static func done() {
        let path = current
        current = nil
        free(path)
    }
}
