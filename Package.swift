// `make test` compiles the invariant checks of fragile data structures (STYLE.md).
import Foundation
// swift-tools-version: 6.1
// RegionKit: classical object-region proposals feeding pluggable R-CNN-family detectors.
import PackageDescription

/// Design notes kept next to the code (see STYLE.md); not compiled.
let moduleNotes = ["README.md"]

let package = Package(
  name: "RegionKit",
  products: [
    .library(name: "RegionKit", targets: ["RegionKit"]),
    .library(name: "Parallel", targets: ["Parallel"]),
    .library(name: "Boxes", targets: ["Boxes"]),
    .library(name: "Imaging", targets: ["Imaging"]),
    .library(name: "Datasets", targets: ["Datasets"]),
    .library(name: "NeuralNet", targets: ["NeuralNet"]),
    .library(name: "ONNX", targets: ["ONNX"]),
    .library(name: "ProposalIO", targets: ["ProposalIO"]),
    .library(name: "Proposals", targets: ["Proposals"]),
    .library(name: "ProposalRuns", targets: ["ProposalRuns"]),
    .library(name: "Evaluation", targets: ["Evaluation"]),
    .library(name: "ProposalStudies", targets: ["ProposalStudies"]),
    .library(name: "Edges", targets: ["Edges"]),
    .library(name: "Segmentation", targets: ["Segmentation"]),
    .library(name: "Detectors", targets: ["Detectors"]),
    .library(name: "DetectorTraining", targets: ["DetectorTraining"]),
    .executable(name: "regionkit", targets: ["RegionKitCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    // `make docs`: DocC archives of every library module (`swift package generate-documentation`).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // System libraries. Only Imaging imports CVips; only NeuralNet and numeric kernels import COpenBLAS.
    // CVips asks pkg-config for GObject's flags, not vips' own: those pull in `-pthread`, which
    // SwiftPM drops with a "prohibited flag" warning on every build, here and in every package
    // that depends on RegionKit. libvips' headers sit in the default include path and its
    // module map links the libraries (Sources/CVips/README.md).
    .systemLibrary(
      name: "CVips", pkgConfig: "gobject-2.0",
      providers: [.apt(["libvips-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),

    // Library modules, lowest layer first. Each target declares exactly the modules its files
    // import, no more, no less (tests included).
    // One ordered parallel map and one hand-off slot type, for every module that needs threads.
    .target(name: "Parallel", exclude: moduleNotes),
    .target(name: "Boxes", exclude: moduleNotes),
    .target(name: "Imaging", dependencies: ["CVips", "Boxes"], exclude: moduleNotes),
    .target(name: "Datasets", dependencies: ["Boxes", "Imaging"], exclude: moduleNotes),
    .target(name: "NeuralNet", dependencies: ["COpenBLAS", "Boxes"], exclude: moduleNotes),
    // ONNX models (protobuf reader, operators, planner) running on NeuralNet's kernels.
    .target(name: "ONNX", dependencies: ["NeuralNet"], exclude: moduleNotes),
    .target(name: "Edges", dependencies: ["Imaging"], exclude: moduleNotes),
    // `__builtin_prefetch` for Swift (header only); only Segmentation imports it.
    .target(name: "CPrefetch", exclude: moduleNotes),
    .target(
      name: "Segmentation", dependencies: ["Boxes", "Imaging", "CPrefetch"], exclude: moduleNotes),
    // Proposal records and their files (JSON Lines, NPY/NPZ, file lists), read by Evaluation
    // and the detectors without the generators.
    .target(
      name: "ProposalIO",
      dependencies: ["Boxes", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      exclude: moduleNotes),
    // The generators, in folders by algorithm.
    .target(
      name: "Proposals",
      dependencies: [
        "Parallel", "Boxes", "Imaging", "Edges", "Segmentation", "ProposalIO",
        .product(name: "HeapModule", package: "swift-collections"),
      ],
      exclude: moduleNotes),
    // Batch runs of a generator: bounded concurrency, shards, resume, merge.
    .target(
      name: "ProposalRuns", dependencies: ["Imaging", "ProposalIO", "Proposals"],
      exclude: moduleNotes),
    // Metrics and reports; reads proposal files (ProposalIO) without linking the generators.
    .target(
      name: "Evaluation", dependencies: ["Boxes", "Imaging", "Datasets", "ProposalIO"],
      exclude: moduleNotes),
    // Studies that run generators and measure them with Evaluation's metrics (learned objectness
    // on held-out images).
    .target(
      name: "ProposalStudies",
      dependencies: [
        "Parallel", "Boxes", "Imaging", "Datasets", "ProposalIO", "Proposals", "ProposalRuns",
        "Evaluation",
      ],
      exclude: moduleNotes),
    // Detector models and their parts; DetectorTraining trains them (the only detector module
    // that depends on Evaluation, for validation).
    .target(
      name: "Detectors",
      dependencies: [
        "Parallel", "Boxes", "Imaging", "NeuralNet", "ONNX", "ProposalIO", "Proposals",
      ],
      exclude: moduleNotes),
    .target(
      name: "DetectorTraining",
      dependencies: [
        "Parallel", "Boxes", "Imaging", "Datasets", "NeuralNet", "Evaluation", "Detectors",
      ],
      exclude: moduleNotes),
    // The umbrella: re-exports every library module (Sources/RegionKit/RegionKit.swift).
    .target(
      name: "RegionKit",
      dependencies: [
        "Parallel", "Boxes", "Imaging", "Datasets", "NeuralNet", "ONNX", "Edges", "Segmentation",
        "ProposalIO", "Proposals", "ProposalRuns", "Evaluation", "ProposalStudies", "Detectors",
        "DetectorTraining",
      ]),

    // Command line.
    .executableTarget(
      name: "RegionKitCLI",
      dependencies: [
        "Boxes", "Imaging", "Datasets", "NeuralNet", "ONNX", "Edges", "Segmentation", "ProposalIO",
        "Proposals", "ProposalRuns", "Evaluation", "ProposalStudies", "Detectors",
        "DetectorTraining",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Examples (built and run by the end-to-end tests).
    .executableTarget(
      name: "CustomClassifier", dependencies: ["RegionKit"], path: "Examples/CustomClassifier"),
    .executableTarget(
      name: "ONNXClassifier", dependencies: ["RegionKit"], path: "Examples/ONNXClassifier"),

    // Tests.
    .target(
      name: "RegionKitTestSupport", dependencies: ["Boxes", "Imaging", "ProposalIO"],
      path: "Tests/RegionKitTestSupport"),
    .testTarget(name: "ParallelTests", dependencies: ["Parallel"]),
    .testTarget(name: "BoxesTests", dependencies: ["Boxes", "RegionKitTestSupport"]),
    .testTarget(
      name: "ImagingTests", dependencies: ["Imaging", "Boxes", "CVips", "RegionKitTestSupport"]),
    .testTarget(
      name: "DatasetsTests",
      dependencies: ["Datasets", "Boxes", "Imaging", "RegionKitTestSupport"]),
    .testTarget(
      name: "NeuralNetTests", dependencies: ["NeuralNet", "Boxes", "RegionKitTestSupport"]),
    .testTarget(
      name: "ONNXTests",
      dependencies: ["ONNX", "NeuralNet", "Boxes", "ProposalIO", "RegionKitTestSupport"]),
    .testTarget(name: "EdgesTests", dependencies: ["Edges", "Imaging", "RegionKitTestSupport"]),
    .testTarget(
      name: "SegmentationTests",
      dependencies: ["Segmentation", "Boxes", "Imaging", "RegionKitTestSupport"]),
    .testTarget(
      name: "ProposalIOTests", dependencies: ["ProposalIO", "Boxes", "RegionKitTestSupport"]),
    .testTarget(
      name: "ProposalsTests",
      dependencies: [
        "Proposals", "Boxes", "Imaging", "Datasets", "Edges", "Segmentation", "ProposalIO",
        "ProposalRuns", "RegionKitTestSupport",
      ]),
    .testTarget(
      name: "ProposalRunsTests",
      dependencies: [
        "ProposalRuns", "Boxes", "Imaging", "ProposalIO", "Proposals", "RegionKitTestSupport",
      ]),
    .testTarget(
      name: "EvaluationTests",
      dependencies: [
        "Evaluation", "Boxes", "Imaging", "Datasets", "ProposalIO", "RegionKitTestSupport",
      ]),
    .testTarget(
      name: "ProposalStudiesTests",
      dependencies: ["ProposalStudies", "Boxes", "Datasets", "Proposals", "RegionKitTestSupport"]),
    .testTarget(
      name: "DetectorsTests",
      dependencies: [
        "Detectors", "Boxes", "Imaging", "Datasets", "NeuralNet", "ONNX", "ProposalIO",
        "Proposals", "RegionKitTestSupport",
      ]),
    .testTarget(
      name: "DetectorTrainingTests",
      dependencies: [
        "DetectorTraining", "Boxes", "Imaging", "Datasets", "NeuralNet", "ONNX", "ProposalIO",
        "Detectors", "RegionKitTestSupport",
      ]),
    // RegionKitCLI: the tests run `regionkit` and parse its options in process.
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["RegionKitTestSupport", "RegionKitCLI", "RegionKit", "Imaging", "ProposalIO"],
      exclude: ["Snapshots"]),
  ]
)

if ProcessInfo.processInfo.environment["REGIONKIT_INTERNAL_CHECKS"] != nil {
  for target in package.targets where target.type == .regular {
    target.swiftSettings = (target.swiftSettings ?? []) + [.define("REGIONKIT_INTERNAL_CHECKS")]
  }
}
