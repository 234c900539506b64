import Boxes
import Datasets
import Detectors
import Evaluation
import Foundation
import Imaging
import Proposals

/// Shared R-CNN command-line helpers for `train --arch rcnn` and `detect`.
enum RCNNRunner {
  /// A seeded split of `count` images into training and validation indices (sorted).
  static func split(count: Int, validationFraction: Double, seed: UInt64) -> (
    train: [Int], validation: [Int]
  ) {
    var random = SplitMix64(seed: seed &+ 0xA5A5_5A5A)
    var order = Array(0..<count)
    order.shuffle(using: &random)
    let held = count > 1 ? min(Int((Double(count) * validationFraction).rounded()), count - 1) : 0
    return (Array(order.dropFirst(held)).sorted(), Array(order.prefix(held)).sorted())
  }

  /// The pipeline of a configuration and classifier.
  static func pipeline(_ configuration: RCNNConfiguration, classifier: any RegionClassifier)
    -> RCNN
  {
    RCNN(
      classifier: classifier, inputSize: configuration.inputSize,
      contextPadding: configuration.contextPadding,
      proposalGenerator: RCNN.defaultProposalGenerator(threads: 1),
      maxProposals: configuration.maxProposals, postprocessor: configuration.postprocessor)
  }

  /// Per-image detections with timings.
  struct ImageResult: Sendable {
    var objects: [DetectedObject]
    var image: Image
    var proposalSeconds: Double
    var classifySeconds: Double
  }

  /// Runs `rcnn` on `urls` (in parallel over images, ordered results).
  static func detect(
    _ rcnn: RCNN, urls: [URL], threads: Int, keepImages: Bool, onImage: @Sendable () -> Void
  ) throws -> [ImageResult] {
    try orderedParallelMap(count: urls.count, threads: threads) { index in
      let image = try Image(contentsOf: urls[index])
      let timed = try rcnn.detectTimed(in: image)
      onImage()
      return ImageResult(
        objects: timed.objects,
        image: keepImages ? image : Image(width: 1, height: 1, channels: 3),
        proposalSeconds: timed.proposalSeconds, classifySeconds: timed.classifySeconds)
    }
  }

  /// COCO AP at IoU 0.5 of `rcnn` on the dataset images at `indices`, and mean seconds per
  /// image (proposals, classification).
  static func validationAP50(
    _ rcnn: RCNN, configuration: RCNNConfiguration, dataset: Dataset, indices: [Int],
    threads: Int, onImage: @Sendable () -> Void
  ) throws -> (ap50: Double, proposalSeconds: Double, classifySeconds: Double) {
    guard !indices.isEmpty else { return (-1, 0, 0) }
    let images = indices.map { dataset.images[$0] }
    let results = try detect(
      rcnn, urls: images.map { dataset.url(of: $0) }, threads: threads, keepImages: false,
      onImage: onImage)
    var detections: [Detection] = []
    for (entry, result) in zip(images, results) {
      for object in result.objects {
        detections.append(
          Detection(
            imageID: entry.id, box: object.box,
            categoryID: configuration.categoryIDs[object.label - 1], score: object.score))
      }
    }
    var subset = dataset
    subset.images = images
    let evaluation = try COCOEvaluation().evaluate(detections: detections, dataset: subset)
    let n = Double(results.count)
    return (
      evaluation.summarize(precision: true, iouThreshold: 0.5),
      results.map(\.proposalSeconds).reduce(0, +) / n,
      results.map(\.classifySeconds).reduce(0, +) / n
    )
  }
}
