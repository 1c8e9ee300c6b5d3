// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// This directory (the manifest's), for linker flags that need absolute paths.
let packageDirectory = String(#filePath.dropLast("Package.swift".count))

/// Matrix products go to OpenBLAS's sgemm, linked statically (libopenblas.a: Debian's
/// libopenblas-pthread-dev, which `make deps` installs), so liblrsched.so still needs
/// only the C/C++ runtime. `LRSCHED_BLAS` chooses: `auto` (what the Makefile sets:
/// OpenBLAS when libopenblas.a is in a system library directory or on LIBRARY_PATH, else
/// the plain kernels, slower, same schedules), `openblas` (required: the link fails
/// without it), `none` (the plain kernels only). Unset, as in a package that depends on
/// lrsched by version: `none`, and the kernels are built without unsafe flags (SwiftPM
/// refuses them in packages resolved by version; kernels.c turns FP contraction off
/// itself).
let blasVariable = Context.environment["LRSCHED_BLAS"]
let blasSetting = blasVariable ?? "none"
let libraryDirectories = (Context.environment["LIBRARY_PATH"] ?? "").split(separator: ":").map(String.init)
    + ["/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"]
let useBLAS = blasSetting == "openblas"
    || (blasSetting == "auto" && libraryDirectories.contains { FileManager.default.fileExists(atPath: $0 + "/libopenblas.a") })

/// The modules `LRSched` re-exports.
let lrschedModules: [Target.Dependency] = ["LRSchedSupport", "LRSchedJSON", "LRSchedCore", "LRSchedTraining"]

let package = Package(
    name: "lrsched",
    products: [
        // MARK: - Public API
        // Swift users depend on this one, by version.
        // `import LRSched` brings every module below; each can also be imported alone.
        .library(name: "LRSched", targets: ["LRSched"]),
        // liblrsched.so: the C ABI declared in include/lrsched.h.
        .library(name: "lrsched", type: .dynamic, targets: ["LRSchedCAPI"]),
        .executable(name: "lrsched-cli", targets: ["lrsched-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Public API
        // Errors with torch's exception kinds, Python's number formatting, the version.
        .target(name: "LRSchedSupport"),
        // JSON reader and writer that keep Python's int/float distinction.
        .target(name: "LRSchedJSON", dependencies: ["LRSchedSupport"]),
        // The schedules: optimizer state, schedulers, their descriptors, specs, state, previews.
        .target(name: "LRSchedCore", dependencies: ["LRSchedSupport", "LRSchedJSON"]),
        // Training: tensors, models, data, the RNG, SGD and the trainer.
        .target(name: "LRSchedTraining", dependencies: ["LRSchedCore", "LRSchedKernels"]),
        // sgemm (OpenBLAS), the thread setting and the SGD update with run-time FMA dispatch.
        .target(
            name: "LRSchedKernels",
            cSettings: (blasVariable == nil ? [] : [.unsafeFlags(["-O3", "-ffp-contract=off"])])
                + (useBLAS ? [] : [.define("LRSCHED_NO_BLAS")]),
            linkerSettings: useBLAS ? [.unsafeFlags(["-Xlinker", "-l:libopenblas.a"])] : []
        ),
        // The umbrella module: re-exports the four above. (Targets of this package that
        // import it also name the modules directly, so that an incremental build recompiles
        // them when a re-exported module changes.)
        .target(name: "LRSched", dependencies: lrschedModules),
        // MARK: - Implementation details
        .target(name: "LRSchedConformance", dependencies: ["LRSched"] + lrschedModules),
        .target(
            name: "LRSchedCAPI",
            dependencies: ["LRSched", "LRSchedCShims"] + lrschedModules,
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
        .target(name: "LRSchedReports", dependencies: ["LRSched", "LRSchedConformance"] + lrschedModules),
        .executableTarget(
            name: "lrsched-cli",
            dependencies: [
                "LRSched", "LRSchedConformance", "LRSchedReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + lrschedModules
        ),
        // The README's Swift example (run by the tests).
        .executableTarget(
            name: "article-lrs",
            dependencies: ["LRSched"] + lrschedModules,
            path: "examples/swift"
        ),
        // `make bench`: speed figures (never timed tests).
        .executableTarget(
            name: "lrsched-bench",
            dependencies: ["LRSched"] + lrschedModules,
            path: "benchmarks/swift"
        ),
        // MARK: - Unit test bundles
        .testTarget(
            name: "LRSchedCoreTests",
            dependencies: ["LRSched", "LRSchedConformance", "LRSchedReports"] + lrschedModules,
            exclude: ["Data"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
