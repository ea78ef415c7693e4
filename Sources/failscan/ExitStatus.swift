import ArgumentParser

/// failscan's exit codes, documented in `failscan --help`.
enum ExitStatus {
    static let success = ExitCode(0)
    static let incompleteInput = ExitCode(1)
    static let badConfiguration = ExitCode(2)
    static let noInputOrOutput = ExitCode(3)
}
