import Analyzer
import ArgumentParser
import Fail2banConfig
import Ledger
import LogSource
import Output
import OutputBasics

/// failscan's exit codes, documented in `failscan --help`, and the one place where
/// errors become them.
enum ExitStatus {
    static let incompleteInput = ExitCode(1)
    static let badConfiguration = ExitCode(2)
    static let noInputOrOutput = ExitCode(3)

    /// The help text's table.
    static let table = """
        EXIT STATUS
          0  completed
          1  completed, but some input could not be read completely (each reported)
          2  bad configuration or filter
          3  no input could be read, or the output could not be written
          64 invalid command-line usage
        """

    /// Nothing could be read.
    struct NoInput: Error {}

    /// Runs a command's body: library errors are reported on standard error (naming file
    /// and reason) and mapped to their exit code.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let code as ExitCode {
            throw code
        } catch is NoInput {
            throw fail("no input could be read", noInputOrOutput)
        } catch let error as OutputError {
            if case .firewall = error { throw fail(error, badConfiguration) }
            throw fail(error, noInputOrOutput)
        } catch let error as FilterError {
            throw fail(error, badConfiguration)
        } catch let error as ConfigError {
            throw fail(error, badConfiguration)
        } catch let error as WriteError {
            throw fail(error, noInputOrOutput)
        } catch let error as LedgerReader.ReadError {
            throw fail(error, noInputOrOutput)
        } catch let error as ScanError {
            throw fail(error, noInputOrOutput)
        }
    }

    /// Says `error` on standard error; gives back `code` to exit with.
    static func fail(_ error: some CustomStringConvertible, _ code: ExitCode) -> ExitCode {
        Diagnostics.error(error.description)
        return code
    }
}
