import Boxes
import Datasets
import Evaluation
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct COCOEvaluationTests {
  struct Expected: Decodable {
    var stats: [Double]
    var perCategoryAP: [String: Double]
    var perCategoryAP50: [String: Double]
    var groundTruth: String?

    enum CodingKeys: String, CodingKey {
      case stats
      case perCategoryAP = "per_category_ap"
      case perCategoryAP50 = "per_category_ap50"
      case groundTruth = "ground_truth"
    }
  }

  /// Largest |Swift - pycocotools| over the 12 stats and the per-category APs.
  static func maximumDifference(
    groundTruth: URL, detections: URL, expected: URL
  ) throws -> (difference: Double, result: COCOEvaluationResult, warnings: Int) {
    let dataset = try Dataset.loadCOCO(annotationsFile: groundTruth)
    let want = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expected))
    let result = try COCOEvaluation().evaluate(
      detections: try COCOResults.read(from: detections), dataset: dataset)
    var difference = zip(result.stats, want.stats).map { abs($0 - $1) }.max() ?? .infinity
    for (id, value) in want.perCategoryAP {
      let got = result.averagePrecision(categoryID: Int(id) ?? -99) ?? -1
      difference = max(difference, abs(got - value))
    }
    for (id, value) in want.perCategoryAP50 {
      let got = result.averagePrecision(categoryID: Int(id) ?? -99, iouThreshold: 0.5) ?? -1
      difference = max(difference, abs(got - value))
    }
    return (difference, result, dataset.warnings.count)
  }

  /// `Fixtures/cocoeval/` was written by `Tools/verify_cocoeval.py` (pycocotools 2.0.11,
  /// `COCOeval(gt, dt, "bbox")`); tolerance 1e-4 on every number.
  @Test func matchesPycocotoolsGolden() throws {
    let folder = Fixtures.url("cocoeval")
    let (difference, result, warnings) = try Self.maximumDifference(
      groundTruth: folder.appendingPathComponent("ground_truth.json"),
      detections: folder.appendingPathComponent("detections.json"),
      expected: folder.appendingPathComponent("expected.json"))
    #expect(warnings == 0)
    #expect(result.stats.count == 12)
    #expect(difference <= 1e-4, "max |Swift - pycocotools| = \(difference)")
    #expect(result.averagePrecision(categoryID: 9) == nil)  // a category without objects
  }

  /// Optional: `REGIONKIT_COCOEVAL_DIR` names a folder written by
  /// `verify_cocoeval.py --ground-truth ... --out DIR` (e.g. on coco-tiny), or a folder like
  /// `Fixtures/cocoeval` with its own `ground_truth.json`. Prints the largest difference.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["REGIONKIT_COCOEVAL_DIR"] != nil))
  func matchesPycocotoolsOnExternalGroundTruth() throws {
    let folder = URL(
      fileURLWithPath: ProcessInfo.processInfo.environment["REGIONKIT_COCOEVAL_DIR"] ?? "")
    let expected = folder.appendingPathComponent("expected.json")
    let want = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expected))
    let groundTruth =
      want.groundTruth.map { URL(fileURLWithPath: $0) }
      ?? folder.appendingPathComponent("ground_truth.json")
    let (difference, result, warnings) = try Self.maximumDifference(
      groundTruth: groundTruth, detections: folder.appendingPathComponent("detections.json"),
      expected: expected)
    print("external COCOeval check: max difference \(difference), \(warnings) dataset warnings")
    print(result.summaryLines.joined(separator: "\n"))
    #expect(difference <= 1e-3)
  }

  static let categories = [Category(id: 1, label: 0, name: "thing")]

  static func dataset(_ annotations: [Annotation]) -> Dataset {
    Dataset(
      format: .coco, imagesDirectory: URL(fileURLWithPath: "/nonexistent"),
      categories: categories,
      images: [
        DatasetImage(id: 7, fileName: "x.jpg", width: 200, height: 200, annotations: annotations)
      ])
  }

  /// One object, two detections: the better-scored one is a perfect hit, the other a miss.
  /// Precision is 1 up to recall 1, so AP = 1 and AR = 1 at every threshold (precision is
  /// tp / (tp + fp + eps) as in pycocotools, hence the 1e-12).
  @Test func perfectDetectionGivesAPOne() throws {
    let data = Self.dataset([
      Annotation(box: Box(x1: 10, y1: 10, x2: 50, y2: 50), label: 0, categoryID: 1)
    ])
    let detections = [
      Detection(
        imageID: 7, box: Box(x1: 100, y1: 100, x2: 150, y2: 150), categoryID: 1, score: 0.2),
      Detection(imageID: 7, box: Box(x1: 10, y1: 10, x2: 50, y2: 50), categoryID: 1, score: 0.9),
    ]
    let result = try COCOEvaluation().evaluate(detections: detections, dataset: data)
    #expect(abs(result.stats[0] - 1) < 1e-12)
    #expect(result.stats[8] == 1)
    // 40 x 40 = 1600 is medium: small and large have no objects.
    #expect(result.stats[3] == -1)
    #expect(abs(result.stats[4] - 1) < 1e-12)
    #expect(result.stats[5] == -1)
  }

  /// A detection inside a crowd box is matched to it (IoU = intersection / detection area = 1)
  /// and ignored, so it is no false positive: AP stays 1 for the real object.
  @Test func detectionsOnCrowdBoxesAreIgnored() throws {
    let data = Self.dataset([
      Annotation(box: Box(x1: 10, y1: 10, x2: 50, y2: 50), label: 0, categoryID: 1),
      Annotation(
        box: Box(x1: 100, y1: 100, x2: 200, y2: 200), label: 0, categoryID: 1, isCrowd: true),
    ])
    let detections = [
      Detection(
        imageID: 7, box: Box(x1: 120, y1: 120, x2: 140, y2: 140), categoryID: 1, score: 0.95),
      Detection(
        imageID: 7, box: Box(x1: 150, y1: 150, x2: 170, y2: 170), categoryID: 1, score: 0.94),
      Detection(imageID: 7, box: Box(x1: 10, y1: 10, x2: 50, y2: 50), categoryID: 1, score: 0.5),
    ]
    let result = try COCOEvaluation().evaluate(detections: detections, dataset: data)
    #expect(abs(result.stats[0] - 1) < 1e-12)
    // Without the crowd flag the two detections are false positives ranked first.
    var plain = data
    plain.images[0].annotations[1].isCrowd = false
    let worse = try COCOEvaluation().evaluate(detections: detections, dataset: plain)
    #expect(worse.stats[0] < 0.5)
  }

  @Test func thresholdsAreNumpysLinspace() {
    let t = COCOEvaluation.linearlySpaced(from: 0.5, through: 0.95, count: 10)
    #expect(t[0] == 0.5 && t[5] == 0.75 && t[9] == 0.95)
    #expect(COCOEvaluation.linearlySpaced(from: 0, through: 1, count: 101)[100] == 1)
  }

  @Test func unknownImageIsAnError() {
    let data = Self.dataset([])
    let stray = Detection(imageID: 8, box: Box(x1: 0, y1: 0, x2: 1, y2: 1), categoryID: 1, score: 1)
    #expect(throws: EvaluationError.unknownImage(id: 8, detectionIndex: 0)) {
      try COCOEvaluation().evaluate(detections: [stray], dataset: data)
    }
  }

  @Test func summaryLinesFollowPycocotoolsLayout() throws {
    let data = Self.dataset([
      Annotation(box: Box(x1: 10, y1: 10, x2: 50, y2: 50), label: 0, categoryID: 1)
    ])
    let result = try COCOEvaluation().evaluate(detections: [], dataset: data)
    #expect(
      result.summaryLines[0]
        == " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.000")
    #expect(
      result.summaryLines[1]
        == " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.000")
    #expect(
      result.summaryLines[6]
        == " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.000")
  }
}
