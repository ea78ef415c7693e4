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
        .library(name: "Matcher", targets: ["Matcher"]),
        .library(name: "Analyzer", targets: ["Analyzer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .systemLibrary(name: "CMemSearch"),
        .target(name: "Matcher", dependencies: ["CPCRE2", "CMemSearch"], swiftSettings: swiftSettings),
        .target(name: "Analyzer", dependencies: ["Matcher", "CZlib", "CISAL", "CZstd", "CLzma", "CBzip2", "CSQLite"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "failscan",
            dependencies: [
                "Analyzer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "TestSupport", dependencies: ["Analyzer"], path: "Tests/Support", swiftSettings: swiftSettings),
        .testTarget(name: "MatcherTests", dependencies: ["Matcher"], swiftSettings: swiftSettings),
        .testTarget(name: "AnalyzerTests", dependencies: ["Analyzer", "Matcher", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "FailscanTests", dependencies: ["failscan", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ConformanceTests", dependencies: ["failscan", "TestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
