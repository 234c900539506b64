// swift-tools-version: 6.1
// Benchmarks live in their own package so their tooling never reaches RegionKit's users.
import PackageDescription

let package = Package(
  name: "RegionKitBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "RegionKit", path: "..")
  ],
  targets: [
    // Times Segmentation on raw RGB files that Tools/peers/segmentation_peer.py decodes, so the
    // Swift and Python peers see the same pixels in the same run (decoding is not timed).
    .executableTarget(
      name: "SegmentationPeerBenchmark",
      dependencies: [
        .product(name: "Segmentation", package: "RegionKit"),
        .product(name: "Imaging", package: "RegionKit"),
      ],
      path: "SegmentationPeerBenchmark"
    )
  ]
)
