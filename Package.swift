// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "failscan",
    products: [
        .executable(name: "failscan", targets: ["failscan"]),
        // The one library: fail2ban filters matched by PCRE2 with a literal prefilter
        // (its public API, documented in Matcher.docc). The other modules are the
        // package's own (`package` access).
        .library(name: "Matcher", targets: ["Matcher"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CMemSearch"),
        // The module cut, leaves first: what a line says (Matcher), where bytes come from
        // (LogSource), what fail2ban's configuration says (Fail2banConfig), what fail2ban's
        // server would decide (Analyzer), what is written (Output), the command line.
        .target(name: "Matcher", dependencies: ["CPCRE2", "CMemSearch"], swiftSettings: swiftSettings),
        .target(
            name: "LogSource", dependencies: ["CZlib", "CISAL", "CZstd", "CLzma", "CBzip2", "CSystemd"], swiftSettings: swiftSettings),
        .target(name: "Fail2banConfig", dependencies: ["Matcher", "LogSource"], swiftSettings: swiftSettings),
        .target(name: "Analyzer", dependencies: ["Matcher", "LogSource", "Fail2banConfig", "CMemSearch"], swiftSettings: swiftSettings),
        // What every writer needs, below the writers: JSON written by hand, files replaced
        // atomically (links followed only by the protected_symlinks rule, modes kept).
        .target(name: "OutputBasics", dependencies: ["LogSource"], swiftSettings: swiftSettings),
        .target(
            name: "Output", dependencies: ["Analyzer", "Matcher", "Fail2banConfig", "LogSource", "OutputBasics", "CSQLite"],
            swiftSettings: swiftSettings),
        // A shard's failures between `failscan map` and `failscan reduce`.
        .target(
            name: "Ledger", dependencies: ["Analyzer", "Matcher", "LogSource", "Fail2banConfig", "OutputBasics", "CZstd"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "failscan",
            dependencies: [
                "Matcher",
                "LogSource",
                "Fail2banConfig",
                "Analyzer",
                "Output",
                "OutputBasics",
                "Ledger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The bodies of the fuzz targets: built always, so that kept crashes replay as tests.
        .target(name: "FuzzTargets", dependencies: ["Analyzer", "Fail2banConfig", "Matcher"], swiftSettings: swiftSettings),
        .target(name: "TestSupport", dependencies: [], path: "Tests/Support", swiftSettings: swiftSettings),
        // A test target per library module (a module's tests may use the modules below it),
        // then the command line's and the oracles'.
        .testTarget(name: "MatcherTests", dependencies: ["Matcher", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LogSourceTests", dependencies: ["LogSource", "Analyzer", "Matcher", "Fail2banConfig", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "Fail2banConfigTests", dependencies: ["Fail2banConfig", "Analyzer", "Matcher", "LogSource", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AnalyzerTests", dependencies: ["Analyzer", "Matcher", "LogSource", "Fail2banConfig", "FuzzTargets", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "OutputBasicsTests", dependencies: ["OutputBasics"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OutputTests",
            dependencies: ["Output", "OutputBasics", "Analyzer", "Matcher", "LogSource", "Fail2banConfig", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Analyzer", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FailscanTests", dependencies: ["failscan", "TestSupport"], exclude: ["Snapshots"], swiftSettings: swiftSettings),
        .testTarget(name: "ConformanceTests", dependencies: ["failscan", "TestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer's entry point, only for `scripts/fuzz` (FAILSCAN_FUZZ=1): built with
// -sanitize=fuzzer, whose driver it calls.
if Context.environment["FAILSCAN_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "FailscanFuzz", dependencies: ["FuzzTargets"], path: "Fuzz/FailscanFuzz"))
}
