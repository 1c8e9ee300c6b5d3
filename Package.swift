// swift-tools-version: 6.0
import PackageDescription

/// This directory (the manifest's), for linker flags that need absolute paths.
let packageDirectory = String(#filePath.dropLast("Package.swift".count))

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
        .target(
            name: "LRSchedCAPI",
            dependencies: ["LRSchedCore", "LRSchedCShims"],
            linkerSettings: [
                // liblrsched.so: only lrsched_* exported (lrsched.map), SONAME of ABI 0,
                // never unloaded (its pthread key destructor must outlive dlclose).
                .unsafeFlags([
                    "-Xlinker", "--version-script=\(packageDirectory)lrsched.map",
                    "-Xlinker", "-soname=liblrsched.so.0",
                    "-Xlinker", "-z", "-Xlinker", "nodelete",
                ]),
            ]
        ),
        // Per-thread storage for the C ABI layer (last error, callback depth).
        .target(name: "LRSchedCShims", cSettings: [.unsafeFlags(["-ffp-contract=off"])]),
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
