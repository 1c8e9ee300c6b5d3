import LRSchedCore

/// Runs training cases (Trainer I).
enum TrainingCaseRunner {
    static func run(_ c: JSONValue, meta: JSONValue?) -> String? {
        "training cases are not supported yet"
    }
}
