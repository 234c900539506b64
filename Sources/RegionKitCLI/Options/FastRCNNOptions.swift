import ArgumentParser
import Detectors
import Foundation
import Proposals

/// Options of `regionkit train --arch fast-rcnn|faster-rcnn`.
struct FastRCNNTrainOptions: ParsableArguments {
  @Option(
    help: "fast-rcnn: the proposal method of training and detection (\(ProposalMethod.names)).")
  var proposals: ProposalMethod = .selectiveSearch

  @Option(
    help:
      "rcnn, fast-rcnn: proposals kept per image, best first. Default: 2000 for rcnn, 500 for fast-rcnn."
  )
  var maxProposals: Int?

  @Option(help: "fast-rcnn/faster-rcnn: images are resized so their longer side is this (px).")
  var maxSide = 128

  @Option(
    help:
      "faster-rcnn: anchor sizes in pixels of the resized image, comma-separated (3 x ratios 0.5, 1, 2)."
  )
  var anchorSizes = "24,40,64"

  @Option(help: "fast-rcnn/faster-rcnn: RoI pooling, align (RoIAlign) or pool (RoIPool).")
  var pooling = "align"

  @Option(help: "fast-rcnn/faster-rcnn: RoIs sampled per image (25% foreground).")
  var roisPerImage = 64

  @Option(help: "fast-rcnn/faster-rcnn: background RoIs have IoU in [this, 0.5).")
  var backgroundLow: Float = 0.1

  @Option(help: "faster-rcnn: discard proposals whose objectness is below this (0 keeps all).")
  var rpnScoreThreshold: Float = 0

  @Option(help: "fast-rcnn/faster-rcnn: images per minibatch.")
  var imagesPerBatch = 2

  func validate() throws {
    guard (maxProposals ?? 1) >= 1 else {
      throw ValidationError("--max-proposals must be at least 1")
    }
    guard maxSide >= 32 else { throw ValidationError("--max-side must be at least 32") }
    guard ["align", "pool"].contains(pooling) else {
      throw ValidationError("--pooling must be align or pool, got \(pooling)")
    }
    guard roisPerImage >= 1, imagesPerBatch >= 1 else {
      throw ValidationError("--rois-per-image and --images-per-batch must be at least 1")
    }
    guard (0..<0.5).contains(backgroundLow) else {
      throw ValidationError("--background-low must be in [0, 0.5), got \(backgroundLow)")
    }
    _ = try sizes()
  }

  func sizes() throws -> [Float] {
    let values = anchorSizes.split(separator: ",").map {
      Float($0.trimmingCharacters(in: .whitespaces))
    }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw ValidationError("--anchor-sizes must be positive numbers, got \(anchorSizes)")
    }
    return values.map { $0! }
  }

  /// The proposal generator named `method` (one thread: images are prepared one by one).
  static func generator(_ method: ProposalMethod, top: Int) -> any ProposalGenerator {
    // Parsed (not `init()`), so every option has its documented default.
    let options = (try? GeneratorOptions.parse(["--top", "\(top)", "--jobs", "1"]))
    return options?.generator(method) ?? SelectiveSearch(maxProposals: top, threads: 1)
  }
}
