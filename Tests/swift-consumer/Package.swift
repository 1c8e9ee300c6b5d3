// swift-tools-version: 6.0
// A package that uses lrsched as the README tells Swift users to, built and run by
// `make test-swift-consumer` (run.sh). It names lrsched by path, ../lrsched: run.sh
// builds a copy of this folder beside a link named lrsched to the repository, so that
// the dependency's identity is "lrsched", as with the README's URL line:
//
//   .package(url: "https://github.com/<owner>/lrsched", from: "0.2.0"),
import PackageDescription

let package = Package(
    name: "swift-consumer",
    dependencies: [
        .package(path: "../lrsched"),
    ],
    targets: [
        .executableTarget(
            name: "swift-consumer",
            dependencies: [
                .product(name: "LRSched", package: "lrsched"),
            ]
        ),
    ]
)
