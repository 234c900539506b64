import Datasets

/// Pascal VOC average precision per class and its mean (mAP), in the VOC2007 11-point or
/// the VOC2010+ all-point form.
///
/// Per class, detections of all images are ranked by decreasing score. Each takes the object
/// of its image and class it overlaps most; it is a true positive when that IoU exceeds the
/// threshold (strictly, as VOC's `voc_eval.py`) and the object is not yet taken, ignored when
/// the object is `difficult`, and a false positive otherwise. Precision and recall along the
/// ranking give the AP: the 11-point form averages the best precision at recall ≥ 0, 0.1, …, 1;
/// the all-point form is the area under the monotone precision envelope.
///
///     let voc = VOCAveragePrecision(mode: .allPoint)
///     let result = try voc.evaluate(detections: detections, dataset: dataset)
///     result.meanAveragePrecision
///
/// IoU uses RegionKit's pixel-edge boxes; VOC's `+ 1` in widths of inclusive pixel indices is
/// the same width in that convention, so the overlaps agree with the devkit.
///
/// - Complexity: O(*n* log *n* + *n* · *g*) per class for *n* detections and *g* objects per
///   image.
///
/// Differences from the devkit: equal scores keep their input order (the devkit's `argsort`
/// leaves it unspecified); crowd boxes are ignored like difficult ones; a class without
/// counted objects has no AP (the devkit divides by zero) and is left out of the mean.
///
/// Reference: M. Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge",
/// IJCV 88(2), 2010, <https://doi.org/10.1007/s11263-009-0275-4>.
public struct VOCAveragePrecision: Sendable {
  /// How precision is summarised over recall.
  public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
    /// VOC2007: mean of the interpolated precision at recall 0, 0.1, …, 1.
    case elevenPoint = "voc07"
    /// VOC2010 and later: area under the monotone precision envelope.
    case allPoint = "voc10"
  }

  /// AP of each class and their mean.
  public struct Result: Sendable, Hashable, Codable {
    /// One class's numbers.
    public struct ClassResult: Sendable, Hashable, Codable {
      /// The dataset's category id.
      public var categoryID: Int
      /// The category's name.
      public var name: String
      /// Objects that count (not difficult).
      public var objectCount: Int
      /// Detections of the class.
      public var detectionCount: Int
      /// The AP, or `nil` when the class has no counted object.
      public var averagePrecision: Double?
    }

    /// Per class, in ascending category id.
    public var classes: [ClassResult]
    /// Mean of the classes' APs (those that have one); 0 when none has.
    public var meanAveragePrecision: Double
  }

  /// The summary form.
  public var mode: Mode
  /// The IoU a detection must exceed. Default: `0.5`.
  public var iouThreshold: Double
  /// Count difficult objects as ordinary ones. Default: `false`.
  public var includeDifficult: Bool

  /// Creates an evaluation.
  ///
  /// - Parameters:
  ///   - mode: `.elevenPoint` (VOC2007) or `.allPoint` (VOC2010+). Default: `.allPoint`.
  ///   - iouThreshold: The IoU a match must exceed, in 0...1. Default: `0.5`.
  ///   - includeDifficult: Count difficult objects. Default: `false`.
  public init(mode: Mode = .allPoint, iouThreshold: Double = 0.5, includeDifficult: Bool = false) {
    self.mode = mode
    self.iouThreshold = iouThreshold
    self.includeDifficult = includeDifficult
  }

  /// Evaluates detections against a dataset's ground truth.
  ///
  /// - Parameters:
  ///   - detections: The detections; input order breaks score ties.
  ///   - dataset: The ground truth.
  /// - Returns: AP per class and mAP.
  /// - Throws: ``EvaluationError/unknownImage(id:detectionIndex:)`` and
  ///   ``EvaluationError/nonFiniteDetection(index:)``.
  public func evaluate(detections: [Detection], dataset: Dataset) throws -> Result {
    var imageIndex: [Int: Int] = [:]
    for (index, image) in dataset.images.enumerated() { imageIndex[image.id] = index }
    var byCategory: [Int: [(image: Int, detection: Detection)]] = [:]
    for (index, detection) in detections.enumerated() {
      guard detection.box.isFinite, detection.score.isFinite else {
        throw EvaluationError.nonFiniteDetection(index: index)
      }
      guard let image = imageIndex[detection.imageID] else {
        throw EvaluationError.unknownImage(id: detection.imageID, detectionIndex: index)
      }
      byCategory[detection.categoryID, default: []].append((image, detection))
    }
    let classes = dataset.categories.sorted { $0.id < $1.id }.map { category in
      evaluate(category: category, detections: byCategory[category.id] ?? [], dataset: dataset)
    }
    let values = classes.compactMap(\.averagePrecision)
    return Result(
      classes: classes,
      meanAveragePrecision: values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count))
  }

  private func evaluate(
    category: Category, detections: [(image: Int, detection: Detection)], dataset: Dataset
  ) -> Result.ClassResult {
    let objects = dataset.images.map { image in
      image.annotations.filter { $0.categoryID == category.id }
    }
    let ignored = objects.map { list in
      list.map { !includeDifficult && ($0.isDifficult || $0.isCrowd) }
    }
    let counted = ignored.reduce(0) { $0 + $1.count(where: { !$0 }) }
    let ranked = detections.enumerated().sorted {
      $0.element.detection.score != $1.element.detection.score
        ? $0.element.detection.score > $1.element.detection.score : $0.offset < $1.offset
    }.map(\.element)
    var taken = objects.map { [Bool](repeating: false, count: $0.count) }
    var truePositives = 0.0
    var falsePositives = 0.0
    var recalls: [Double] = []
    var precisions: [Double] = []
    for (image, detection) in ranked {
      var best = -Double.infinity
      var match = -1
      for (g, object) in objects[image].enumerated() {
        let overlap = Double(object.box.iou(detection.box))
        if overlap > best {
          best = overlap
          match = g
        }
      }
      if match >= 0 && best > iouThreshold {
        if ignored[image][match] {
          // Neither true nor false positive; the curve repeats its last point (as the devkit).
        } else if taken[image][match] {
          falsePositives += 1
        } else {
          taken[image][match] = true
          truePositives += 1
        }
      } else {
        falsePositives += 1
      }
      recalls.append(counted > 0 ? truePositives / Double(counted) : 0)
      precisions.append(truePositives / max(truePositives + falsePositives, .ulpOfOne))
    }
    let ap: Double? =
      counted == 0
      ? nil : Self.averagePrecision(recalls: recalls, precisions: precisions, mode: mode)
    return Result.ClassResult(
      categoryID: category.id, name: category.name, objectCount: counted,
      detectionCount: detections.count, averagePrecision: ap)
  }

  /// AP from a precision/recall curve.
  ///
  /// - Parameters:
  ///   - recalls: Recall after each ranked detection, non-decreasing.
  ///   - precisions: Precision after each ranked detection.
  ///   - mode: 11-point or all-point.
  /// - Returns: The AP in 0...1.
  /// - Complexity: O(*n*).
  public static func averagePrecision(recalls: [Double], precisions: [Double], mode: Mode) -> Double
  {
    precondition(recalls.count == precisions.count, "averagePrecision: curves differ in length")
    switch mode {
    case .elevenPoint:
      var sum = 0.0
      for step in 0...10 {
        let level = Double(step) / 10
        let best = zip(recalls, precisions).filter { $0.0 >= level }.map(\.1).max() ?? 0
        sum += best / 11
      }
      return sum
    case .allPoint:
      let recall = [0] + recalls + [1]
      var precision = [0] + precisions + [0]
      for i in stride(from: precision.count - 1, to: 0, by: -1) {
        precision[i - 1] = max(precision[i - 1], precision[i])
      }
      var area = 0.0
      for i in 1..<recall.count where recall[i] != recall[i - 1] {
        area += (recall[i] - recall[i - 1]) * precision[i]
      }
      return area
    }
  }
}
