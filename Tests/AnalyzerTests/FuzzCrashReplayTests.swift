import Foundation
import FuzzTargets
import TestSupport
import Testing

/// Every input a fuzzer ever crashed on (`Tests/FuzzCrashes/<target>/`, kept by
/// `scripts/fuzz`) and the seed inputs, run through the same target bodies: a fixed crash
/// stays fixed.
@Suite struct FuzzCrashReplayTests {
    static let root = TestSupport.packageRoot.appendingPathComponent("Tests/FuzzCrashes").path

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func keptInputsRunClean(_ target: String) throws {
        let body = try #require(FuzzTargets.all[target])
        let dir = Self.root + "/" + target
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        #expect(!names.isEmpty, "Tests/FuzzCrashes/\(target) holds the seed inputs at least")
        for name in names.sorted() {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            data.withUnsafeBytes { body($0) }
        }
    }
}
