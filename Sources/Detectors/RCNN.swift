import Boxes
import Foundation
import Imaging
import NeuralNet
import Parallel
import Proposals

/// R-CNN (Girshick et al. 2014): region proposals → each warped to a fixed size with
/// context → a ``RegionClassifier`` → class-specific box deltas → per-class NMS.
///
///     let rcnn = RCNN(classifier: myClassifier, inputSize: 32)
///     let objects = try rcnn.detect(in: image)
///
/// Every stage is pluggable: any ``/Proposals/ProposalGenerator`` (default selective search
/// "fast", top ``maxProposals`` = 2000 as the paper), any ``RegionClassifier`` (the HOG +
/// SVM and CNN backends here, or your own; see <doc:PlugInYourOwnClassifier>) and the
/// ``DetectionPostprocessor`` (default score threshold 0.05, NMS IoU 0.3 as R-CNN).
///
/// Crops: each proposal is enlarged and warped by ``/Imaging/Image/cropAndWarp(box:to:contextPadding:fill:)``
/// so that `contextPadding` output pixels of image context surround it (the paper: 16 px at
/// 227 px input), the outside of the image filled with the image's mean colour. The batch
/// handed to the classifier is `[R, channels, inputHeight, inputWidth]`, values in `[0, 1]`.
///
/// Batches: the proposals of an image are cut into batches of at most ``batchSize`` crops,
/// and into at least ``threads`` batches while each keeps ``minimumBatchSize`` crops; each batch
/// is warped and classified on its own thread (``threads``). Classifiers answer each region
/// independently of its batch (a ``RegionClassifier`` requirement), so detections are identical
/// for any thread count and batch size.
///
/// Reference: R. Girshick, J. Donahue, T. Darrell, J. Malik, "Rich feature hierarchies for
/// accurate object detection and semantic segmentation", CVPR 2014.
/// <https://arxiv.org/abs/1311.2524>
public struct RCNN: Sendable {
  /// The proposal stage.
  public var proposalGenerator: any ProposalGenerator
  /// Keep the best this many proposals. Default: 2000.
  public var maxProposals: Int
  /// The region classifier.
  public var classifier: any RegionClassifier
  /// The warped crop width.
  public var inputWidth: Int
  /// The warped crop height.
  public var inputHeight: Int
  /// Context pixels around each box in the warped crop.
  public var contextPadding: Int
  /// The most crops per ``RegionClassifier/classify(_:)`` call. Default: 256.
  public var batchSize: Int
  /// Threads that warp and classify batches of crops at once. Default: 1.
  public var threads: Int
  /// Decoding, thresholds and NMS.
  public var postprocessor: DetectionPostprocessor
  /// The classifier's classes with their dataset category ids, label order.
  public var classes: [DetectorClass]

  /// The default proposal stage: selective search "fast" (single-threaded per image).
  public static func defaultProposalGenerator(threads: Int = 1) -> SelectiveSearch {
    SelectiveSearch(mode: .fast, threads: threads)
  }

  /// Creates a pipeline; see the type's documentation for each part.
  ///
  /// - Parameters:
  ///   - classifier: The region classifier.
  ///   - classes: The classifier's classes with their dataset category ids. Default: its
  ///     class names with ids 1, 2, 3, ... (``DetectorClass/numbered(_:)``).
  ///   - inputSize: The crop side when width and height are equal.
  ///   - contextPadding: Default: `max(1, inputSize * 16 / 227)` rounded, the paper's
  ///     share of context.
  ///   - proposalGenerator: The proposal stage. Default: selective search "fast".
  ///   - maxProposals: Proposals kept per image, best first. Default: 2000.
  ///   - batchSize: The most crops per classifier call. Default: 256.
  ///   - postprocessor: Decoding, thresholds and NMS. Default: NMS IoU 0.3 (R-CNN).
  ///   - threads: Threads warping and classifying batches. Default: 1.
  public init(
    classifier: any RegionClassifier, classes: [DetectorClass]? = nil, inputSize: Int,
    contextPadding: Int? = nil,
    proposalGenerator: any ProposalGenerator = RCNN.defaultProposalGenerator(),
    maxProposals: Int = 2000, batchSize: Int = 256,
    postprocessor: DetectionPostprocessor = DetectionPostprocessor(nmsThreshold: 0.3),
    threads: Int = 1
  ) {
    self.classifier = classifier
    self.classes = classes ?? DetectorClass.numbered(classifier.classes)
    self.inputWidth = inputSize
    self.inputHeight = inputSize
    self.contextPadding = contextPadding ?? RCNN.defaultContextPadding(inputSize: inputSize)
    self.proposalGenerator = proposalGenerator
    self.maxProposals = maxProposals
    self.batchSize = batchSize
    self.postprocessor = postprocessor
    self.threads = threads
  }

  /// Batches are not cut below this many crops to spread them over threads. Default: 32.
  public static let minimumBatchSize = 32

  /// The ranges of `count` regions classified together: at most ``batchSize`` each, and cut
  /// into ``threads`` parts (at least ``minimumBatchSize`` regions each) when fewer.
  public func batchRanges(count: Int) -> [Range<Int>] {
    guard count > 0 else { return [] }
    let largest = max(batchSize, 1)
    let perThread = (count + max(threads, 1) - 1) / max(threads, 1)
    let size = min(largest, max(perThread, min(RCNN.minimumBatchSize, largest)))
    return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
  }

  /// The paper's 16 px of context at 227 px, scaled to `inputSize` (at least 1).
  public static func defaultContextPadding(inputSize: Int) -> Int {
    max(1, Int((Double(inputSize) * 16 / 227).rounded()))
  }

  /// The warped crops of `boxes`, `[R, channels, height, width]`.
  ///
  /// - Parameters:
  ///   - image: The image.
  ///   - boxes: The regions, in the image's pixels.
  ///   - width: The crop width.
  ///   - height: The crop height.
  ///   - contextPadding: Context pixels around each box in the crop.
  ///   - fill: What lies outside the image. Default: nil, the image's mean colour (pass it
  ///     when cropping one image in several calls, to compute it once).
  /// - Complexity: O(R · width · height · channels).
  public static func crops(
    of image: Image, boxes: [Box], width: Int, height: Int, contextPadding: Int,
    fill: WarpFill? = nil
  ) -> Tensor {
    let fill = fill ?? WarpFill.color(image.meanColor())
    let channels = image.channels, plane = width * height
    var data = [Float](repeating: 0, count: boxes.count * channels * plane)
    for (r, box) in boxes.enumerated() {
      let crop = image.cropAndWarp(
        box: box, to: (width: width, height: height), contextPadding: contextPadding, fill: fill)
      let base = r * channels * plane
      for p in 0..<plane {
        for c in 0..<channels { data[base + c * plane + p] = crop.pixels[p * channels + c] }
      }
    }
    return Tensor(shape: [boxes.count, channels, height, width], data: data)
  }

  /// The box-to-crop geometry: the image rectangle that lands on the whole crop when `box`
  /// is warped with `contextPadding` pixels of context into a `width x height` crop.
  public static func contextBox(_ box: Box, width: Int, height: Int, contextPadding: Int) -> Box {
    let sx = box.width / Float(width - 2 * contextPadding)
    let sy = box.height / Float(height - 2 * contextPadding)
    let p = Float(contextPadding)
    return Box(x1: box.x1 - p * sx, y1: box.y1 - p * sy, x2: box.x2 + p * sx, y2: box.y2 + p * sy)
  }

  /// Classifies given regions of an image, in batches on ``threads`` threads, and validates
  /// each answer.
  ///
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` naming the
  ///   classifier's type when it returns the wrong shapes or a non-finite probability; the
  ///   classifier's own errors.
  /// - Complexity: O(R) crops warped and classified.
  public func classify(_ boxes: [Box], in image: Image) throws -> RegionClassification {
    let k = classifier.classes.count
    let name = String(describing: type(of: classifier))
    let ranges = batchRanges(count: boxes.count)
    let fill = WarpFill.color(image.meanColor())
    let answers = try orderedParallelMap(count: ranges.count, threads: threads) { index in
      let part = Array(boxes[ranges[index]])
      let batch = RCNN.crops(
        of: image, boxes: part, width: inputWidth, height: inputHeight,
        contextPadding: contextPadding, fill: fill)
      let answer = try classifier.classify(batch)
      try answer.validate(regionCount: part.count, classCount: k, classifier: name)
      return answer
    }
    var probabilities: [Float] = []
    var deltas: [Float]? = answers.first?.boxDeltas == nil ? nil : []
    probabilities.reserveCapacity(boxes.count * (k + 1))
    for answer in answers {
      guard (answer.boxDeltas != nil) == (answers[0].boxDeltas != nil) else {
        throw DetectorsError.malformedClassification(
          classifier: name, reason: "box deltas present in some batches only")
      }
      probabilities += answer.probabilities.data
      if let more = answer.boxDeltas?.data { deltas?.append(contentsOf: more) }
    }
    return RegionClassification(
      probabilities: Tensor(shape: [boxes.count, k + 1], data: probabilities),
      boxDeltas: deltas.map { Tensor(shape: [boxes.count, 4 * (k + 1)], data: $0) })
  }

  /// Detections among given proposal boxes (no proposal stage). No boxes give no
  /// detections without calling the classifier.
  public func detect(in image: Image, proposals: [Box]) throws -> [DetectedObject] {
    guard !proposals.isEmpty else { return [] }
    let classification = try classify(proposals, in: image)
    return postprocessor.detections(
      regions: proposals, classification: classification, classes: classes, imageWidth: image.width,
      imageHeight: image.height)
  }

  /// The best ``maxProposals`` non-degenerate proposal boxes of `image`.
  public func proposalBoxes(for image: Image) throws -> [Box] {
    Array(
      try proposalGenerator.proposals(for: image).map(\.box).filter { !$0.isDegenerate }
        .prefix(maxProposals))
  }

  /// Detections in `image` (RGB, `[0, 1]`), with the seconds spent on proposals and on
  /// classification plus post-processing.
  public func detectTimed(in image: Image) throws -> (
    objects: [DetectedObject], proposalSeconds: Double, classifySeconds: Double
  ) {
    let start = DispatchTime.now().uptimeNanoseconds
    let boxes = try proposalBoxes(for: image)
    let middle = DispatchTime.now().uptimeNanoseconds
    let objects = try detect(in: image, proposals: boxes)
    let end = DispatchTime.now().uptimeNanoseconds
    return (objects, Double(middle - start) / 1e9, Double(end - middle) / 1e9)
  }

  /// Detections in `image` (RGB, `[0, 1]`).
  public func detect(in image: Image) throws -> [DetectedObject] {
    try detectTimed(in: image).objects
  }
}
