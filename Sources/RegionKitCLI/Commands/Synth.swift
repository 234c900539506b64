import ArgumentParser
import Datasets
import Foundation

extension SyntheticShapes.Shape: ExpressibleByArgument {}

/// `regionkit synth`: a seeded synthetic COCO dataset of shapes: one per image, or scenes.
struct Synth: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Write a synthetic COCO dataset of shapes on noisy, textured backgrounds.",
    discussion: """
      Writes OUT/images/NNNNNN.png and OUT/annotations.json (categories are the shapes in \
      --classes order, ids from 1). With --objects 1 (the default) every image holds one \
      square, circle or triangle of 20-70% of the shorter side: the classify-and-localize set. \
      With --objects N > 1 every image is a detection scene of 1 to N objects, stretched to \
      aspect ratios 0.6-1.6 (ellipses, rectangles, triangles), 15-45% of the shorter side, \
      in distinct colours, drawn back to front with at most 40% of any object hidden; each \
      box is the extent of the object's visible pixels. Use another --seed for a held-out set. \
      The same options give identical files.
      """)

  @Option(name: .shortAndLong, help: "The dataset folder to write (created when missing).")
  var output: String

  @Option(name: [.customLong("images"), .customLong("count")], help: "Number of images.")
  var count = 200

  @Option(help: "Most objects per image (1 to 32): 1 for single shapes, more for detection scenes.")
  var objects = 1

  @Option(help: "Seed of the generator.")
  var seed: UInt64 = 0

  @Option(help: "Image size as WIDTHxHEIGHT in pixels, each from 16 to 4096.")
  var size = "96x96"

  @Option(
    help:
      "Comma-separated shapes, each one of: \(SyntheticShapes.Shape.allCases.map(\.rawValue).joined(separator: ", "))."
  )
  var classes = SyntheticShapes.Shape.allCases.map(\.rawValue).joined(separator: ",")

  /// The largest side, in pixels (a 4096x4096 scene takes 200 MB while drawn).
  static let maximumSide = 4096
  /// The most objects per scene: placement checks every pair of objects over every pixel.
  static let maximumObjects = 32

  func validate() throws {
    try OptionRange.check("--images", count, in: 1...1_000_000)
    try OptionRange.check("--objects", objects, in: 1...Self.maximumObjects)
    _ = try parsedSize()
    _ = try parsedShapes()
  }

  func parsedSize() throws -> (width: Int, height: Int) {
    let parts = size.lowercased().split(separator: "x")
    guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
      (16...Self.maximumSide).contains(width), (16...Self.maximumSide).contains(height)
    else {
      throw ValidationError(
        "--size must be WIDTHxHEIGHT with both between 16 and \(Self.maximumSide), got \(size)")
    }
    return (width, height)
  }

  func parsedShapes() throws -> [SyntheticShapes.Shape] {
    let names = classes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    var shapes: [SyntheticShapes.Shape] = []
    for name in names {
      guard let shape = SyntheticShapes.Shape(rawValue: name) else {
        throw ValidationError(
          "--classes: unknown shape \"\(name)\"; use \(SyntheticShapes.Shape.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      guard !shapes.contains(shape) else {
        throw ValidationError("--classes: \(name) is listed twice")
      }
      shapes.append(shape)
    }
    guard !shapes.isEmpty else { throw ValidationError("--classes must name at least one shape") }
    return shapes
  }

  func run() throws {
    let (width, height) = try parsedSize()
    let folder = URL(fileURLWithPath: output)
    let dataset =
      objects == 1
      ? try SyntheticShapes(width: width, height: height, shapes: try parsedShapes())
        .writeCOCO(count: count, seed: seed, to: folder)
      : try SyntheticScenes(
        width: width, height: height, shapes: try parsedShapes(), maxObjects: objects
      ).writeCOCO(count: count, seed: seed, to: folder)
    let boxes = dataset.images.reduce(0) { $0 + $1.annotations.count }
    print(
      "\(output): \(dataset.images.count) images of \(width)x\(height) with \(boxes) objects, "
        + "classes \(dataset.categories.map(\.name).joined(separator: ", "))")
  }
}
