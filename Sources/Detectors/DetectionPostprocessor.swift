import Boxes
import NeuralNet

/// One detected object: a box in image pixels, its class (name and dataset category id),
/// the object label (`1...K`) and its score.
public struct DetectedObject: Hashable, Sendable {
  /// The box, `(x1, y1, x2, y2)` in the image's pixel-edge coordinates.
  public var box: Box
  /// The object label, `1...K` (label `i + 1` is the detector's `classes[i]`).
  public var label: Int
  /// The class probability, in `[0, 1]`.
  public var score: Float
  /// The object's class: its name and the dataset category id it stands for.
  public var category: DetectorClass

  /// Creates a detection; every parameter is the property of the same name.
  public init(box: Box, label: Int, score: Float, category: DetectorClass) {
    self.box = box
    self.label = label
    self.score = score
    self.category = category
  }

  /// The same detection with its box scaled by `factor` (from one image size to another).
  public func scaled(by factor: Float) -> DetectedObject {
    var copy = self
    copy.box = Box(
      x1: box.x1 * factor, y1: box.y1 * factor, x2: box.x2 * factor, y2: box.y2 * factor)
    return copy
  }
}

/// Turns region classifications into detections, as torchvision's
/// `RoIHeads.postprocess_detections`: per region and object class, decode the class's box
/// delta against the region, clip to the image, drop low scores and tiny boxes, run NMS within
/// each class, keep the best.
///
///     let post = DetectionPostprocessor()
///     let objects = post.detections(
///       regions: boxes, classification: output, classes: classes, imageWidth: 640, imageHeight: 480)
///
/// Every region gives up to `K` candidates (one per object class); background never becomes a
/// detection. Output order is decreasing score, ties by region then label.
public struct DetectionPostprocessor: Hashable, Sendable {
  /// Candidates scoring below this are dropped. Default: `0.05` (torchvision `box_score_thresh`).
  public var scoreThreshold: Float
  /// IoU above which a lower-scoring detection of the same class is suppressed.
  /// Default: `0.5` (torchvision `box_nms_thresh`; R-CNN used 0.3).
  public var nmsThreshold: Double
  /// The most detections kept per image. Default: `100` (torchvision `box_detections_per_img`).
  public var maxDetections: Int
  /// Boxes narrower or shorter than this, in pixels, are dropped. Default: `1e-2`.
  public var minSize: Float
  /// The coder of ``RegionClassification/boxDeltas``. Default: weights 10, 10, 5, 5.
  public var boxCoder: BoxCoder

  /// Creates a post-processor; every parameter has torchvision's default.
  public init(
    scoreThreshold: Float = 0.05, nmsThreshold: Double = 0.5, maxDetections: Int = 100,
    minSize: Float = 1e-2, boxCoder: BoxCoder = BoxCoder()
  ) {
    self.scoreThreshold = scoreThreshold
    self.nmsThreshold = nmsThreshold
    self.maxDetections = maxDetections
    self.minSize = minSize
    self.boxCoder = boxCoder
  }

  /// The detections of one image.
  ///
  /// - Parameters:
  ///   - regions: The `R` region boxes the classifier scored, in image pixels.
  ///   - classification: The classifier's output for them (shapes already validated with
  ///     ``RegionClassification/validate(regionCount:classCount:classifier:)``).
  ///   - classes: The `K` object classes, label order.
  ///   - imageWidth: Image width in pixels, for clipping.
  ///   - imageHeight: Image height in pixels, for clipping.
  /// - Returns: At most ``maxDetections`` detections by decreasing score.
  /// - Complexity: O(R·K log(R·K)) plus the NMS.
  public func detections(
    regions: [Box], classification: RegionClassification, classes: [DetectorClass],
    imageWidth: Int, imageHeight: Int
  ) -> [DetectedObject] {
    let columns = classification.probabilities.rank == 2 ? classification.probabilities.shape[1] : 0
    precondition(
      classification.regionCount == regions.count,
      "DetectionPostprocessor: \(regions.count) regions, \(classification.regionCount) rows")
    var candidates: [DetectedObject] = []
    let width = Float(imageWidth), height = Float(imageHeight)
    for (r, region) in regions.enumerated() {
      for label in 1..<max(min(columns, classes.count + 1), 1) {
        let score = classification.probabilities.data[r * columns + label]
        guard score >= scoreThreshold else { continue }
        var box = region
        if let deltas = classification.boxDeltas {
          let base = r * 4 * columns + 4 * label
          let delta = BoxDelta(
            dx: deltas.data[base], dy: deltas.data[base + 1], dw: deltas.data[base + 2],
            dh: deltas.data[base + 3])
          box = boxCoder.decode(delta, relativeTo: region)
        }
        box = box.clipped(width: width, height: height)
        guard box.width >= minSize, box.height >= minSize else { continue }
        candidates.append(
          DetectedObject(box: box, label: label, score: score, category: classes[label - 1]))
      }
    }
    let keep = batchedNonMaximumSuppression(
      boxes: candidates.map(\.box), scores: candidates.map(\.score),
      classIDs: candidates.map(\.label), iouThreshold: nmsThreshold)
    return keep.prefix(maxDetections).map { candidates[$0] }
  }
}
