import LRSchedConformance
import LRSched
@testable import LRSchedSupport
@testable import LRSchedJSON
@testable import LRSchedCore
@testable import LRSchedTraining
import XCTest

/// The project's copy of the conformance vectors.
let vectorsDirectory = testSourceDirectory() + "/../Vectors/pytorch-2.15"

func loadVectors(_ name: String) throws -> JSONValue {
    try readJSONFile(vectorsDirectory + "/" + name)
}

func vectorCases(_ name: String) throws -> [JSONValue] {
    try XCTUnwrap(try loadVectors(name)["cases"]?.arrayValue)
}

/// A vector row as doubles.
func row(_ v: JSONValue) -> [Double] {
    (v.arrayValue ?? []).map { $0.doubleValue ?? .nan }
}

func bits(_ xs: [Double]) -> [UInt64] { xs.map(\.bitPattern) }
