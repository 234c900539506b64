// swift-tools-version: 6.1
// libFuzzer harnesses for RegionKit's file readers: a separate package, so the fuzzing build
// (`-sanitize=fuzzer,address`) never reaches the library's users or `make test`.
// Build and run with `make fuzz` (Fuzz/README.md).
import PackageDescription

/// One executable per reader; each file defines `LLVMFuzzerTestOneInput` (no main.swift).
let harnesses: [(name: String, dependencies: [String])] = [
  ("FuzzCOCO", ["Datasets"]),
  ("FuzzVOC", ["Datasets"]),
  ("FuzzProposalsJSONL", ["ProposalIO"]),
  ("FuzzSafeTensors", ["NeuralNet"]),
  ("FuzzNPZ", ["ProposalIO"]),
  ("FuzzNPY", ["ProposalIO"]),
  ("FuzzRunJSON", ["ProposalIO", "ProposalRuns"]),
  ("FuzzModelConfig", ["Detectors"]),
  ("FuzzModelFolder", ["Detectors"]),
  ("FuzzCheckpoint", ["DetectorTraining", "NeuralNet"]),
  ("FuzzObjectness", ["Proposals"]),
  ("FuzzONNX", ["ONNX"]),
]

let package = Package(
  name: "RegionKitFuzz",
  dependencies: [
    .package(name: "RegionKit", path: "..")
  ],
  targets: [
    // A per-process scratch folder for readers that take a URL.
    .target(name: "FuzzSupport")
  ]
    + harnesses.map { harness in
      .executableTarget(
        name: harness.name,
        dependencies: ["FuzzSupport"]
          + harness.dependencies.map { .product(name: $0, package: "RegionKit") })
    }
)
