import Boxes
import Datasets
import Evaluation
import Foundation
import ProposalIO
import Testing

/// Two images, hand-computed numbers (see each test). Image `a.jpg` is 100 x 100 with
/// A = [0,0,10,10] (label 0, small), B = [50,50,90,90] (label 1, medium),
/// C = [60,0,100,20] (label 0, small, never covered) and a crowd box D = [0,0,10,20] (label 1).
/// Its proposals, best first: [0,0,10,20] (IoU 0.5 with A, 1 with D), [50,50,90,80] (IoU 0.75
/// with B), [0,0,10,10] (IoU 1 with A).
@Suite struct ProposalEvaluationTests {
  static let categories = [
    Category(id: 1, label: 0, name: "cat"), Category(id: 2, label: 1, name: "dog"),
  ]
  static let imageA = DatasetImage(
    id: 1, fileName: "a.jpg", width: 100, height: 100,
    annotations: [
      Annotation(box: Box(x1: 0, y1: 0, x2: 10, y2: 10), label: 0, categoryID: 1),
      Annotation(box: Box(x1: 50, y1: 50, x2: 90, y2: 90), label: 1, categoryID: 2),
      Annotation(box: Box(x1: 60, y1: 0, x2: 100, y2: 20), label: 0, categoryID: 1),
      Annotation(box: Box(x1: 0, y1: 0, x2: 10, y2: 20), label: 1, categoryID: 2, isCrowd: true),
    ])
  static let imageB = DatasetImage(
    id: 2, fileName: "b.jpg", width: 100, height: 100,
    annotations: [
      Annotation(
        box: Box(x1: 0, y1: 0, x2: 50, y2: 50), label: 0, categoryID: 1, isDifficult: true)
    ])
  static let dataset = Dataset(
    format: .coco, imagesDirectory: URL(fileURLWithPath: "/nonexistent"), categories: categories,
    images: [imageA, imageB])

  static func proposals(_ boxes: [[Float]]) -> [Proposal] {
    boxes.enumerated().map { index, c in
      Proposal(
        box: Box(x1: c[0], y1: c[1], x2: c[2], y2: c[3]), score: Float(boxes.count - index),
        provenance: Provenance(method: "hand"))
    }
  }
  static let recordA = ProposalRecord(
    image: "a.jpg", width: 100, height: 100, seconds: 0.25,
    proposals: proposals([[0, 0, 10, 20], [50, 50, 90, 80], [0, 0, 10, 10]]))
  static let configuration = ProposalEvaluation.Configuration(proposalCounts: [1, 2, 3, 10])

  @Test func recallAtHalfAndSevenTenthsByProposalCount() throws {
    let report = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [Self.recordA], dataset: Self.dataset)
    let s = report.summary
    #expect(s.objectCount == 3)  // crowd D and difficult object of b.jpg left out
    // Best IoUs (A, B, C): N=1 (0.5, 0, 0); N=2 (0.5, 0.75, 0); N=3 (1, 0.75, 0).
    #expect(s.recall(iou: 0.5, proposals: 1) == 1.0 / 3)
    #expect(s.recall(iou: 0.5, proposals: 2) == 2.0 / 3)
    #expect(s.recall(iou: 0.7, proposals: 2) == 1.0 / 3)
    #expect(s.recall(iou: 0.7, proposals: 3) == 2.0 / 3)
    #expect(s.recall(iou: 0.8, proposals: 3) == 1.0 / 3)
    // Fewer proposals than N: the image uses all it has.
    #expect(s.recall(iou: 0.7, proposals: 10) == 2.0 / 3)
    #expect(s.recall(iou: 0.7, proposals: 4) == nil)
  }

  @Test func averageRecallIsMeanOverTenThresholds() throws {
    let s = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [Self.recordA], dataset: Self.dataset
    ).summary
    // N=3: A (IoU 1) passes 10 thresholds, B (0.75) passes 0.5...0.75 = 6, C none: 16 / 30.
    #expect(abs(s.averageRecall(proposals: 3)! - 16.0 / 30) < 1e-12)
    // N=2: A (0.5) passes 1, B passes 6: 7 / 30. N=1: A passes 1: 1 / 30.
    #expect(abs(s.averageRecall(proposals: 2)! - 7.0 / 30) < 1e-12)
    #expect(abs(s.averageRecall(proposals: 1)! - 1.0 / 30) < 1e-12)
  }

  @Test func averageBestOverlapAndMABO() throws {
    let s = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [Self.recordA], dataset: Self.dataset
    ).summary
    // N=3: ABO = (1 + 0.75 + 0) / 3; cat ABO = (1 + 0) / 2, dog 0.75, MABO = 0.625.
    #expect(abs(s.averageBestOverlap[2] - 1.75 / 3) < 1e-12)
    #expect(s.categories.map(\.objectCount) == [2, 1])
    #expect(s.categories[0].averageBestOverlap[2] == 0.5)
    #expect(s.categories[1].averageBestOverlap[2] == 0.75)
    #expect(s.meanAverageBestOverlap(proposals: 3) == 0.625)
    // N=1: cat (0.5 + 0) / 2, dog 0: MABO 0.125.
    #expect(s.meanAverageBestOverlap(proposals: 1) == 0.125)
  }

  @Test func sizeBreakdownUsesBoxArea() throws {
    let s = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [Self.recordA], dataset: Self.dataset
    ).summary
    #expect(s.sizes.map(\.size) == [.small, .medium, .large])
    #expect(s.sizes.map(\.objectCount) == [2, 1, 0])
    // Small: A found at N=3 (IoU 1), C never: recall 0.5 at every threshold.
    #expect(s.sizes[0].recall.allSatisfy { $0[2] == 0.5 })
    #expect(s.sizes[1].averageRecall[2] == 0.6)
    #expect(s.sizes[2].averageRecall == [0, 0, 0, 0])
  }

  @Test func timingProposalCountsAndMissingImages() throws {
    let stray = ProposalRecord(image: "zzz.jpg", width: 10, height: 10, proposals: [])
    let s = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [Self.recordA, stray], dataset: Self.dataset
    ).summary
    #expect(s.method == "hand")
    #expect(s.imageCount == 2)
    #expect(s.meanSecondsPerImage == 0.25)
    #expect(s.meanProposalsPerImage == 1.5)  // b.jpg has no record: 0 proposals
    #expect(s.missingImages == ["b.jpg"])
    #expect(s.unmatchedRecords == ["zzz.jpg"])
  }

  @Test func failedRecordCountsAsNoProposals() throws {
    let failed = ProposalRecord(
      image: "a.jpg", width: 100, height: 100, proposals: [], error: "cannot decode")
    let report = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [failed], dataset: Self.dataset)
    #expect(report.summary.failedImages == ["a.jpg"])
    #expect(report.images[0].status == .failed(reason: "cannot decode"))
    #expect(report.summary.recall.allSatisfy { $0.allSatisfy { $0 == 0 } })
  }

  @Test func crowdAndDifficultCanBeIncluded() throws {
    var configuration = Self.configuration
    configuration.includeCrowd = true
    configuration.includeDifficult = true
    let report = try ProposalEvaluation(configuration: configuration).evaluate(
      records: [Self.recordA], dataset: Self.dataset)
    #expect(report.summary.objectCount == 5)
    // D is covered exactly by the first proposal; b.jpg's object has no proposals.
    let crowd = try #require(report.images[0].objects.first { $0.annotationIndex == 3 })
    #expect(crowd.bestIoU == [1, 1, 1, 1])
    #expect(report.summary.recall(iou: 0.5, proposals: 3) == 3.0 / 5)
  }

  @Test func bestProposalIndexAndBoxPerCount() throws {
    let report = try ProposalEvaluation(configuration: Self.configuration).evaluate(
      records: [Self.recordA], dataset: Self.dataset)
    let a = report.images[0].objects[0]
    #expect(a.bestProposalIndex == [0, 0, 2, 2])
    #expect(a.bestProposal[2] == Box(x1: 0, y1: 0, x2: 10, y2: 10))
    let c = report.images[0].objects[2]
    #expect(c.bestProposalIndex == [nil, nil, nil, nil])
    let missed = report.missedObjects(iou: 0.5, proposals: 2)
    #expect(missed.map(\.object.annotationIndex) == [2])
    #expect(report.missedObjects(iou: 0.5, proposals: 7).isEmpty)  // 7 was not evaluated
  }

  @Test func recordOfADownscaledImageIsScaledToDatasetPixels() throws {
    var half = Self.recordA
    half.width = 50
    half.height = 50
    half.proposals = half.proposals.map {
      var p = $0
      p.box = Box(x1: p.box.x1 / 2, y1: p.box.y1 / 2, x2: p.box.x2 / 2, y2: p.box.y2 / 2)
      return p
    }
    let evaluation = ProposalEvaluation(configuration: Self.configuration)
    let full = try evaluation.evaluate(records: [Self.recordA], dataset: Self.dataset)
    let scaled = try evaluation.evaluate(records: [half], dataset: Self.dataset)
    #expect(scaled.summary == full.summary)
  }

  @Test func duplicateRecordsAndBadConfigurationsThrow() throws {
    #expect(throws: EvaluationError.duplicateRecord(image: "a.jpg")) {
      try ProposalEvaluation().evaluate(
        records: [Self.recordA, Self.recordA], dataset: Self.dataset)
    }
    let bad = ProposalEvaluation(configuration: .init(proposalCounts: [10, 5]))
    #expect(throws: EvaluationError.self) {
      try bad.evaluate(records: [], dataset: Self.dataset)
    }
  }

  /// The single-pass prefix maximum equals a brute-force maximum over the first N proposals.
  @Test(arguments: [1, 2, 3]) func prefixMaximumMatchesBruteForce(seed: UInt64) throws {
    var state = seed
    func next() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24)
    }
    func randomBox() -> Box {
      let x = next() * 180
      let y = next() * 180
      return Box(x1: x, y1: y, x2: x + 2 + next() * 60, y2: y + 2 + next() * 60)
    }
    let objects = (0..<6).map { _ in
      Annotation(box: randomBox(), label: 0, categoryID: 1)
    }
    let boxes = (0..<300).map { _ in randomBox() }
    let image = DatasetImage(
      id: 1, fileName: "r.jpg", width: 256, height: 256, annotations: objects)
    let record = ProposalRecord(
      image: "r.jpg", width: 256, height: 256,
      proposals: boxes.map { Proposal(box: $0, score: 0, provenance: Provenance(method: "r")) })
    let counts = [1, 3, 10, 50, 299, 300, 1000]
    let result = ProposalEvaluation(configuration: .init(proposalCounts: counts)).evaluate(
      image: image, record: record)
    for (g, object) in result.objects.enumerated() {
      for (k, n) in counts.enumerated() {
        let slow = boxes.prefix(n).map { iou(objects[g].box, $0) }.max() ?? 0
        #expect(abs(object.bestIoU[k] - slow) < 1e-6, "IoU is computed in Float (Box.iou)")
      }
    }
  }

  private func iou(_ a: Box, _ b: Box) -> Double {
    let w = max(0, min(Double(a.x2), Double(b.x2)) - max(Double(a.x1), Double(b.x1)))
    let h = max(0, min(Double(a.y2), Double(b.y2)) - max(Double(a.y1), Double(b.y1)))
    let i = w * h
    func area(_ box: Box) -> Double {
      (Double(box.x2) - Double(box.x1)) * (Double(box.y2) - Double(box.y1))
    }
    let u = area(a) + area(b) - i
    return i / u
  }
}
