// swift-tools-version: 6.1
// RegionKit benchmarks: a separate package, so benchmark tooling never reaches the library's users.
// Run with `swift package --allow-writing-to-package-directory benchmark` (`make bench`).
import PackageDescription

let package = Package(
  name: "RegionKitBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "RegionKit", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // Seeded inputs shared by the benchmarks and the torchvision peer (Tools/peers/boxes_peer.py).
    .target(
      name: "BenchmarkInputs",
      dependencies: [.product(name: "Boxes", package: "RegionKit")]),
    .executableTarget(
      name: "BoxesBenchmarks",
      dependencies: [
        "BenchmarkInputs",
        .product(name: "Boxes", package: "RegionKit"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/BoxesBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    // Prints RegionKit's NMS results on the benchmark input, for the parity check in
    // Tools/peers/compare_boxes.sh.
    .executableTarget(
      name: "BoxesPeerCheck",
      dependencies: ["BenchmarkInputs", .product(name: "Boxes", package: "RegionKit")]),
    // The small detector CNN timed against PyTorch (Tools/peers/nn_peer.py builds the same model).
    .target(
      name: "NeuralNetWorkload",
      dependencies: [.product(name: "NeuralNet", package: "RegionKit")]),
    .executableTarget(
      name: "NeuralNetBenchmarks",
      dependencies: [
        "NeuralNetWorkload",
        .product(name: "NeuralNet", package: "RegionKit"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/NeuralNetBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    // Times the workload and prints one JSON line, for the side-by-side run in Tools/peers/nn_peer.py.
    .executableTarget(
      name: "NeuralNetTimer",
      dependencies: ["NeuralNetWorkload"]),
    // Times an ONNX model's forward pass on a .npy input and prints one JSON line, for the
    // side-by-side run with onnxruntime and PyTorch in Tools/onnx/speed.py.
    .executableTarget(
      name: "ONNXTimer",
      dependencies: [
        .product(name: "ONNX", package: "RegionKit"),
        .product(name: "NeuralNet", package: "RegionKit"),
        .product(name: "ProposalIO", package: "RegionKit"),
      ]),
    // Times RegionKit's CNN region classifier in process and as a classifier command (itself in
    // `serve` mode), for the overhead figure of Docs/detectors.md.
    .executableTarget(
      name: "CommandClassifierTimer",
      dependencies: [
        .product(name: "Detectors", package: "RegionKit"),
        .product(name: "NeuralNet", package: "RegionKit"),
        .product(name: "ProposalIO", package: "RegionKit"),
      ]),
    // Times Segmentation on raw RGB files that Tools/peers/segmentation_peer.py decodes, so the
    // Swift and Python peers see the same pixels in the same run (decoding is not timed).
    .executableTarget(
      name: "SegmentationPeerBenchmark",
      dependencies: [
        .product(name: "Segmentation", package: "RegionKit"),
        .product(name: "Imaging", package: "RegionKit"),
      ],
      path: "SegmentationPeerBenchmark"),
    // Times selective search and scores proposal files, for Tools/peers/selective_search_peer.py.
    .executableTarget(
      name: "SelectiveSearchTimer",
      dependencies: [
        .product(name: "Proposals", package: "RegionKit"),
        .product(name: "ProposalIO", package: "RegionKit"),
        .product(name: "Evaluation", package: "RegionKit"),
        .product(name: "Datasets", package: "RegionKit"),
        .product(name: "Imaging", package: "RegionKit"),
      ],
      path: "SelectiveSearchTimer"),
    // The peak resident memory of one proposal method on one image (Docs/benchmarks.md,
    // "Memory"), one fresh process per measurement (Tools/peak_memory.sh).
    .executableTarget(
      name: "PeakMemory",
      dependencies: [
        .product(name: "Proposals", package: "RegionKit"),
        .product(name: "Imaging", package: "RegionKit"),
      ],
      path: "PeakMemory"),
    // Runs EdgeBoxes, sliding windows and segment boxes on a dataset and dumps the edge maps
    // that Tools/peers/edge_boxes_peer.py feeds to OpenCV's EdgeBoxes (same input, same run).
    .executableTarget(
      name: "EdgeBoxesPeerBenchmark",
      dependencies: [
        .product(name: "Proposals", package: "RegionKit"),
        .product(name: "ProposalIO", package: "RegionKit"),
        .product(name: "Datasets", package: "RegionKit"),
        .product(name: "Edges", package: "RegionKit"),
        .product(name: "Evaluation", package: "RegionKit"),
        .product(name: "Imaging", package: "RegionKit"),
      ],
      path: "EdgeBoxesPeerBenchmark"),
  ]
)
