// `import LRSched`: the whole Swift API in one import.
//
// - LRSchedSupport: `LRSchedError` (torch's exception kinds), `pyRepr`, `formatFixed`,
//   `LRSchedVersion`.
// - LRSchedJSON: `JSON`, `JSONValue`, `JSONObject`.
// - LRSchedCore: `OptimizerState`, the schedulers, their descriptors and registry,
//   `SchedulerSpec`, state dicts, previews.
// - LRSchedTraining: `Tensor`, `Linear`, `ReLU`, `Sequential`, `MSELoss`, `Dataset`,
//   `DataLoader`, `SGD`, `Trainer`.
@_exported import LRSchedSupport
@_exported import LRSchedJSON
@_exported import LRSchedCore
@_exported import LRSchedTraining
