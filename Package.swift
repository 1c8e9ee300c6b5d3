// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "lrsched",
    products: [
        // MARK: - Public API
        // Swift users depend on this one, by version.
        .library(name: "LRSched", targets: ["LRSchedCore"]),
        // liblrsched.so: the C ABI declared in include/lrsched.h.
        .library(name: "lrsched", type: .dynamic, targets: ["LRSchedCAPI"]),
        .executable(name: "lrsched-cli", targets: ["lrsched-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Public API
        .target(name: "LRSchedCore"),
        // MARK: - Implementation details
        .target(name: "LRSchedConformance", dependencies: ["LRSchedCore"]),
        .target(name: "LRSchedCAPI", dependencies: ["LRSchedCore"]),
        .target(name: "LRSchedReports", dependencies: ["LRSchedCore", "LRSchedConformance"]),
        .executableTarget(
            name: "lrsched-cli",
            dependencies: [
                "LRSchedCore", "LRSchedConformance", "LRSchedReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The README's Swift example (run by the tests).
        .executableTarget(
            name: "article-lrs",
            dependencies: ["LRSchedCore"],
            path: "examples/swift"
        ),
        // `make bench`: speed figures (never timed tests).
        .executableTarget(
            name: "lrsched-bench",
            dependencies: ["LRSchedCore"],
            path: "benchmarks/swift"
        ),
        // MARK: - Unit test bundles
        .testTarget(
            name: "LRSchedCoreTests",
            dependencies: ["LRSchedCore", "LRSchedConformance", "LRSchedReports"],
            exclude: ["Data"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
