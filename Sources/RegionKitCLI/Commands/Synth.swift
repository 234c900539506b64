import ArgumentParser
import Datasets
import Foundation

extension SyntheticShapes.Shape: ExpressibleByArgument {}

/// `regionkit synth`: a seeded synthetic COCO dataset of single shapes.
struct Synth: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Write a synthetic COCO dataset: one shape per image on a noisy, textured background.",
    discussion: """
      Writes OUT/images/NNNNNN.png and OUT/annotations.json (one object per image; categories are \
      the shapes in --classes order, ids from 1). The same --seed, --count, --size and --classes \
      give identical files.
      """)

  @Option(name: .shortAndLong, help: "The dataset folder to write (created when missing).")
  var output: String

  @Option(help: "Number of images.")
  var count = 200

  @Option(help: "Seed of the generator.")
  var seed: UInt64 = 0

  @Option(help: "Image size as WIDTHxHEIGHT in pixels, each at least 16.")
  var size = "96x96"

  @Option(
    help:
      "Comma-separated shapes, each one of: \(SyntheticShapes.Shape.allCases.map(\.rawValue).joined(separator: ", "))."
  )
  var classes = SyntheticShapes.Shape.allCases.map(\.rawValue).joined(separator: ",")

  func validate() throws {
    guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
    _ = try parsedSize()
    _ = try parsedShapes()
  }

  func parsedSize() throws -> (width: Int, height: Int) {
    let parts = size.lowercased().split(separator: "x")
    guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width >= 16,
      height >= 16
    else {
      throw ValidationError("--size must be WIDTHxHEIGHT with both at least 16, got \(size)")
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
    let generator = SyntheticShapes(width: width, height: height, shapes: try parsedShapes())
    let dataset = try generator.writeCOCO(
      count: count, seed: seed, to: URL(fileURLWithPath: output))
    print(
      "\(output): \(dataset.images.count) images of \(width)x\(height), classes \(dataset.categories.map(\.name).joined(separator: ", "))"
    )
  }
}
