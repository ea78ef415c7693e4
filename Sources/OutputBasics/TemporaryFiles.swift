#if canImport(Glibc)
    import Glibc
#endif

/// The temporary files an output is being built in (a file, or a database and its
/// journal), removed if a signal (SIGTERM, SIGINT, SIGHUP) ends failscan before they are
/// renamed into place: nothing half-written is left.
package enum TemporaryFiles {
    static let capacity = 4
    // SAFETY: written only by the thread that writes outputs (one at a time), read by the
    // signal handler, which only passes the paths to unlink(2), an async-signal-safe call.
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let paths = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        paths.initialize(repeating: nil, count: capacity)
        return paths
    }()
    nonisolated(unsafe) static var installed = false

    /// `files` are being written; they are removed if a signal comes before ``done()``.
    package static func begin(_ files: [String]) {
        done()
        for (index, path) in files.prefix(capacity).enumerated() { paths[index] = strdup(path) }
        guard !installed else { return }
        installed = true
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            let previous = signal(sig) { sig in
                for index in 0..<TemporaryFiles.capacity {
                    if let path = TemporaryFiles.paths[index] { unlink(path) }
                }
                signal(sig, SIG_DFL)
                raise(sig)
            }
            // A signal ignored on purpose (nohup) stays ignored.
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(sig, SIG_IGN)
            } else {
                sigaddset(&unblock, sig)
            }
        }
        // A blocked mask inherited from the parent would keep the signal pending until the
        // output is complete; here it must arrive.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The temporary files are renamed or removed.
    package static func done() {
        for index in 0..<capacity {
            let path = paths[index]
            paths[index] = nil
            free(path)
        }
    }
}
