// swift-tools-version: 6.1
// RegionKit benchmarks: a separate package, so benchmark tooling never reaches the library's users.
// Run with `swift package --allow-writing-to-package-directory benchmark` (`make bench`).
import PackageDescription

let package = Package(
  name: "RegionKitBenchmarks",
  dependencies: [
    .package(name: "RegionKit", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
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
  ]
)
