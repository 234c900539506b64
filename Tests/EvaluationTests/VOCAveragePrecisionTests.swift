import Boxes
import Datasets
import Evaluation
import Foundation
import Testing

/// One class: a.jpg has g1 = [0,0,10,10] and a difficult g2 = [20,20,30,30]; b.jpg has
/// g3 = [0,0,10,10]. Ranked detections: hit g1 (0.9), hit difficult g2 (0.8, ignored), miss
/// in b (0.7), duplicate on g1 (0.6), hit g3 (0.5). Recall/precision after each:
/// (.5, 1), (.5, 1), (.5, .5), (.5, 1/3), (1, .5).
@Suite struct VOCAveragePrecisionTests {
  static let dataset = Dataset(
    format: .voc, imagesDirectory: URL(fileURLWithPath: "/nonexistent"),
    categories: [Category(id: 1, label: 0, name: "cat"), Category(id: 2, label: 1, name: "dog")],
    images: [
      DatasetImage(
        id: 1, fileName: "a.jpg", width: 64, height: 64,
        annotations: [
          Annotation(box: Box(x1: 0, y1: 0, x2: 10, y2: 10), label: 0, categoryID: 1),
          Annotation(
            box: Box(x1: 20, y1: 20, x2: 30, y2: 30), label: 0, categoryID: 1, isDifficult: true),
        ]),
      DatasetImage(
        id: 2, fileName: "b.jpg", width: 64, height: 64,
        annotations: [Annotation(box: Box(x1: 0, y1: 0, x2: 10, y2: 10), label: 0, categoryID: 1)]),
    ])

  static func detection(_ image: Int, _ c: [Float], _ score: Float, category: Int = 1) -> Detection
  {
    Detection(
      imageID: image, box: Box(x1: c[0], y1: c[1], x2: c[2], y2: c[3]), categoryID: category,
      score: score)
  }

  static let detections = [
    detection(2, [0, 0, 10, 10], 0.5),
    detection(1, [0, 0, 10, 10], 0.9),
    detection(2, [50, 50, 60, 60], 0.7),
    detection(1, [20, 20, 30, 30], 0.8),
    detection(1, [0, 0, 10, 10], 0.6),
    detection(1, [0, 0, 10, 10], 0.6, category: 2),
  ]

  @Test func allPointAreaUnderEnvelope() throws {
    let result = try VOCAveragePrecision(mode: .allPoint).evaluate(
      detections: Self.detections, dataset: Self.dataset)
    // Envelope: 1 up to recall .5, then .5 up to recall 1: .5 * 1 + .5 * .5.
    #expect(abs((result.classes[0].averagePrecision ?? -1) - 0.75) < 1e-12)
    #expect(result.classes[0].objectCount == 2)
    // dog has a detection but no objects: no AP, left out of the mean.
    #expect(result.classes[1].averagePrecision == nil)
    #expect(result.classes[1].detectionCount == 1)
    #expect(abs(result.meanAveragePrecision - 0.75) < 1e-12)
  }

  @Test func elevenPointVOC2007() throws {
    let result = try VOCAveragePrecision(mode: .elevenPoint).evaluate(
      detections: Self.detections, dataset: Self.dataset)
    // Recall levels 0...0.5 (six) see precision 1, levels 0.6...1 (five) see 0.5.
    #expect(abs((result.classes[0].averagePrecision ?? -1) - 8.5 / 11) < 1e-12)
  }

  @Test func difficultObjectsCanCount() throws {
    let result = try VOCAveragePrecision(mode: .allPoint, includeDifficult: true).evaluate(
      detections: Self.detections, dataset: Self.dataset)
    // Three objects: (1/3, 1), (2/3, 1), (2/3, 2/3), (2/3, 1/2), (1, 3/5).
    #expect(abs((result.classes[0].averagePrecision ?? -1) - (2.0 / 3 + 0.6 / 3)) < 1e-12)
  }

  @Test func matchNeedsIoUAboveThresholdStrictly() throws {
    // [0,0,10,20] against [0,0,10,10]: IoU exactly 0.5 is not a match in VOC.
    let result = try VOCAveragePrecision().evaluate(
      detections: [Self.detection(2, [0, 0, 10, 20], 0.9)], dataset: Self.dataset)
    #expect(result.classes[0].averagePrecision == 0)
  }

  @Test func crowdBoxesAreIgnoredLikeDifficultOnes() throws {
    let dataset = Dataset(
      format: .coco, imagesDirectory: URL(fileURLWithPath: "/nonexistent"),
      categories: [Category(id: 1, label: 0, name: "cat")],
      images: [
        DatasetImage(
          id: 1, fileName: "a.jpg", width: 64, height: 64,
          annotations: [
            Annotation(box: Box(x1: 0, y1: 0, x2: 10, y2: 10), label: 0, categoryID: 1),
            Annotation(
              box: Box(x1: 20, y1: 20, x2: 60, y2: 60), label: 0, categoryID: 1, isCrowd: true),
          ])
      ])
    // The crowd hit ranks first but counts neither way: AP 1 for the real object.
    let result = try VOCAveragePrecision(mode: .elevenPoint).evaluate(
      detections: [
        Self.detection(1, [20, 20, 60, 60], 0.9), Self.detection(1, [0, 0, 10, 10], 0.8),
      ], dataset: dataset)
    #expect(abs((result.classes[0].averagePrecision ?? 0) - 1) < 1e-12)  // 11 x (1 / 11)
    #expect(result.classes[0].objectCount == 1)
  }
}
