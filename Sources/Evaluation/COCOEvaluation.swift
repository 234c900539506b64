import Boxes
import Datasets

/// COCO bounding-box detection metrics with pycocotools' exact semantics (`COCOeval`,
/// `iouType="bbox"`): AP@[.5:.95], AP50, AP75, AP small/medium/large, AR@1/10/100 and AR
/// small/medium/large.
///
/// For each image and category, detections are sorted by decreasing score (stable, so equal
/// scores keep their input order) and cut at the largest `maxDets`; ground truth is sorted
/// with ignored objects (crowd, or area outside the range) last. At each IoU threshold every
/// detection, in score order, takes the unmatched ground truth it overlaps most (crowd boxes
/// may match many detections), preferring objects that are not ignored. Detections matched to
/// an ignored object, or unmatched and outside the area range, are ignored. Across images,
/// precision is interpolated at 101 recall points with the monotone envelope.
///
///     let detections = try COCOResults.read(from: URL(fileURLWithPath: "results.json"))
///     let result = try COCOEvaluation().evaluate(detections: detections, dataset: dataset)
///     print(result.summaryLines.joined(separator: "\n"))   // the 12 lines of summarize()
///     result.averagePrecision          // AP@[.5:.95]
///
/// Object areas come from ``/Datasets/Annotation/area`` (COCO's segmentation area) when the
/// dataset has it, else from the box; detection areas are box areas. Crowd boxes
/// (``/Datasets/Annotation/isCrowd``) and VOC `difficult` objects are ignored objects; a
/// detection's IoU with a crowd box is intersection / detection area.
///
/// - Complexity: O(*T* · *D* · *G*) per image and category for *T* thresholds, *D* detections,
///   *G* objects, plus O(*n* log *n*) per category and area range to rank *n* detections.
///
/// Differences from pycocotools: detections whose category the dataset lacks are skipped
/// (pycocotools ignores them too, by evaluating only the ground truth's categories);
/// pycocotools takes a ground-truth annotation with `id` 0 as "unmatched" in accumulation,
/// RegionKit does not; boxes and detection scores are `Float` (exact for the golden's values).
/// Checked against `Fixtures/cocoeval/` (pycocotools 2.0.11, `Tools/verify_cocoeval.py`).
///
/// Reference: T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context", ECCV 2014,
/// <https://doi.org/10.1007/978-3-319-10602-1_48>; the evaluation code
/// `pycocotools/cocoeval.py` of <https://github.com/cocodataset/cocoapi>.
public struct COCOEvaluation: Sendable {
  /// A named range of object areas, in square pixels, bounds included (as pycocotools).
  public struct AreaRange: Sendable, Hashable, Codable {
    /// The label used in summaries: `all`, `small`, `medium`, `large`.
    public var name: String
    /// The smallest area in the range.
    public var lower: Double
    /// The largest area in the range.
    public var upper: Double

    /// Creates an area range.
    ///
    /// - Parameters:
    ///   - name: The label in summaries.
    ///   - lower: Smallest area, in square pixels, included.
    ///   - upper: Largest area, in square pixels, included.
    public init(name: String, lower: Double, upper: Double) {
      self.name = name
      self.lower = lower
      self.upper = upper
    }

    /// Every area: `[0, 1e5²]`.
    public static let all = AreaRange(name: "all", lower: 0, upper: 1e10)
    /// `[0, 32²]`.
    public static let small = AreaRange(name: "small", lower: 0, upper: 1024)
    /// `[32², 96²]`.
    public static let medium = AreaRange(name: "medium", lower: 1024, upper: 9216)
    /// `[96², 1e5²]`.
    public static let large = AreaRange(name: "large", lower: 9216, upper: 1e10)

    func contains(_ area: Double) -> Bool { !(area < lower || area > upper) }
  }

  /// pycocotools' `Params` for `iouType="bbox"`.
  public struct Configuration: Sendable, Hashable, Codable {
    /// IoU thresholds. Default: `np.linspace(.5, .95, 10)`.
    public var iouThresholds: [Double]
    /// Recall points of the interpolated precision. Default: `np.linspace(0, 1, 101)`.
    public var recallThresholds: [Double]
    /// Detections kept per image and category, ascending. Default: `[1, 10, 100]`.
    public var maxDetections: [Int]
    /// Area ranges. Default: all, small, medium, large.
    public var areaRanges: [AreaRange]

    /// Creates a configuration; the defaults are pycocotools'.
    ///
    /// - Parameters:
    ///   - iouThresholds: IoU thresholds. Default: 0.5, 0.55, …, 0.95 as numpy computes them.
    ///   - recallThresholds: Recall points. Default: 0, 0.01, …, 1 as numpy computes them.
    ///   - maxDetections: Detections per image and category, ascending. Default: `[1, 10, 100]`.
    ///   - areaRanges: Area ranges. Default: `[.all, .small, .medium, .large]`.
    public init(
      iouThresholds: [Double] = COCOEvaluation.linearlySpaced(from: 0.5, through: 0.95, count: 10),
      recallThresholds: [Double] = COCOEvaluation.linearlySpaced(from: 0, through: 1, count: 101),
      maxDetections: [Int] = [1, 10, 100],
      areaRanges: [AreaRange] = [.all, .small, .medium, .large]
    ) {
      self.iouThresholds = iouThresholds
      self.recallThresholds = recallThresholds
      self.maxDetections = maxDetections
      self.areaRanges = areaRanges
    }
  }

  /// The thresholds, ranges and detection limits.
  public var configuration: Configuration

  /// Creates an evaluation.
  ///
  /// - Parameter configuration: pycocotools' parameters. Default: `Configuration()`.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// One object of an image and category.
  struct Object {
    var box: Box
    var area: Double
    var isCrowd: Bool
    var isIgnored: Bool
  }

  /// One detection of an image and category.
  struct Scored {
    var box: Box
    var area: Double
    var score: Double
  }

  /// Evaluates detections against a dataset's ground truth.
  ///
  /// - Parameters:
  ///   - detections: Detections in any order (a COCO results file). Input order breaks ties
  ///     between equal scores, as in pycocotools.
  ///   - dataset: The ground truth; images are taken in ascending id order and categories in
  ///     ascending id order.
  /// - Returns: Precision and recall tables and the 12 summary numbers.
  /// - Throws: ``EvaluationError/unknownImage(id:detectionIndex:)`` for a detection of an image
  ///   the dataset lacks (pycocotools' `loadRes` rejects those too),
  ///   ``EvaluationError/nonFiniteDetection(index:)``, and
  ///   ``EvaluationError/invalidConfiguration(field:value:reason:)``.
  /// - Complexity: see the type's documentation.
  public func evaluate(detections: [Detection], dataset: Dataset) throws -> COCOEvaluationResult {
    let c = configuration
    guard !c.maxDetections.isEmpty, c.maxDetections.allSatisfy({ $0 >= 1 }),
      zip(c.maxDetections, c.maxDetections.dropFirst()).allSatisfy({ $0 < $1 })
    else {
      throw EvaluationError.invalidConfiguration(
        field: "maxDetections", value: "\(c.maxDetections)",
        reason: "needs at least one count, each >= 1, strictly increasing")
    }
    let images = dataset.images.sorted { $0.id < $1.id }
    let categories = dataset.categories.sorted { $0.id < $1.id }
    var imageIndex: [Int: Int] = [:]
    for (index, image) in images.enumerated() { imageIndex[image.id] = index }
    var categoryIndex: [Int: Int] = [:]
    for (index, category) in categories.enumerated() { categoryIndex[category.id] = index }

    // Ground truth and detections grouped by [category][image], in source order.
    var objects = [[[Object]]](
      repeating: [[Object]](repeating: [], count: images.count), count: categories.count)
    for (i, image) in images.enumerated() {
      for annotation in image.annotations {
        guard let k = categoryIndex[annotation.categoryID] else { continue }
        objects[k][i].append(
          Object(
            box: annotation.box, area: annotation.area.map(Double.init) ?? boxArea(annotation.box),
            isCrowd: annotation.isCrowd, isIgnored: annotation.isCrowd || annotation.isDifficult))
      }
    }
    var scored = [[[Scored]]](
      repeating: [[Scored]](repeating: [], count: images.count), count: categories.count)
    for (index, detection) in detections.enumerated() {
      guard detection.box.isFinite, detection.score.isFinite else {
        throw EvaluationError.nonFiniteDetection(index: index)
      }
      guard let i = imageIndex[detection.imageID] else {
        throw EvaluationError.unknownImage(id: detection.imageID, detectionIndex: index)
      }
      guard let k = categoryIndex[detection.categoryID] else { continue }
      let width = Double(detection.box.x2) - Double(detection.box.x1)
      let height = Double(detection.box.y2) - Double(detection.box.y1)
      scored[k][i].append(
        Scored(box: detection.box, area: width * height, score: Double(detection.score)))
    }

    var result = COCOEvaluationResult(
      configuration: c, categoryIDs: categories.map(\.id), imageCount: images.count)
    let largest = c.maxDetections[c.maxDetections.count - 1]
    for k in categories.indices {
      // Detections ranked and cut once per image; IoUs once per image.
      var ranked: [[Scored]] = []
      var overlaps: [[[Double]]] = []
      for i in images.indices {
        let top = Array(Self.stableSortedByScore(scored[k][i]).prefix(largest))
        ranked.append(top)
        overlaps.append(
          top.map { detection in
            objects[k][i].map {
              detectionOverlap(detection: detection.box, groundTruth: $0.box, isCrowd: $0.isCrowd)
            }
          })
      }
      for (a, range) in c.areaRanges.enumerated() {
        var evaluated: [ImageMatches] = []
        for i in images.indices {
          if let matches = match(
            objects: objects[k][i], detections: ranked[i], overlaps: overlaps[i], range: range)
          {
            evaluated.append(matches)
          }
        }
        for (m, maxDetections) in c.maxDetections.enumerated() {
          result.accumulate(evaluated, maxDetections: maxDetections, category: k, area: a, limit: m)
        }
      }
    }
    return result
  }

  /// Sorts by decreasing score, keeping input order among equal scores (numpy's mergesort).
  static func stableSortedByScore(_ detections: [Scored]) -> [Scored] {
    detections.enumerated().sorted {
      $0.element.score != $1.element.score
        ? $0.element.score > $1.element.score : $0.offset < $1.offset
    }.map(\.element)
  }

  /// `np.linspace(start, stop, count)`: `i * ((stop - start) / (count - 1)) + start`, the last
  /// value exactly `stop`.
  ///
  /// - Parameters:
  ///   - start: The first value.
  ///   - stop: The last value.
  ///   - count: Number of values, ≥ 2.
  /// - Returns: The values, bit-identical to numpy's.
  public static func linearlySpaced(from start: Double, through stop: Double, count: Int)
    -> [Double]
  {
    precondition(count >= 2, "linearlySpaced: count must be >= 2")
    let step = (stop - start) / Double(count - 1)
    var values = (0..<count).map { Double($0) * step + start }
    values[count - 1] = stop
    return values
  }
}
