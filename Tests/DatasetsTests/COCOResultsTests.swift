import Boxes
import Datasets
import Foundation
import RegionKitTestSupport
import Testing

@Suite struct COCOResultsTests {
  @Test func writesKeysInCOCOOrderOnePerLine() throws {
    let detections = [
      Detection(imageID: 10, box: Box(x1: 10, y1: 20, x2: 40, y2: 60), categoryID: 18, score: 0.5),
      Detection(imageID: 20, box: Box(x1: 0.5, y1: 1.25, x2: 3, y2: 4.75), categoryID: 1, score: 1),
    ]
    let text = String(decoding: try COCOResults.encode(detections), as: UTF8.self)
    #expect(
      text == """
        [
        {"image_id": 10, "category_id": 18, "bbox": [10, 20, 30, 40], "score": 0.5},
        {"image_id": 20, "category_id": 1, "bbox": [0.5, 1.25, 2.5, 3.5], "score": 1}
        ]

        """)
    #expect(String(decoding: try COCOResults.encode([]), as: UTF8.self) == "[]\n")
  }

  @Test func roundTripsFloatsBitForBit() throws {
    var generator = SplitMix64(seed: 42)
    var detections: [Detection] = []
    for index in 0..<2000 {
      let x1 = Float.random(in: -5..<2000, using: &generator)
      let y1 = Float.random(in: 0..<2000, using: &generator)
      let box = Box(
        x1: x1, y1: y1, x2: x1 + Float.random(in: 0..<500, using: &generator),
        y2: y1 + Float.random(in: 0..<500, using: &generator))
      detections.append(
        Detection(
          imageID: index % 37, box: box, categoryID: 1 + index % 90,
          score: Float.random(in: 0..<1, using: &generator)))
    }
    let folder = try Fixtures.temporaryDirectory("coco-results")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("results.json")
    try COCOResults.write(detections, to: url)
    let again = try COCOResults.read(from: url)
    #expect(again == detections)
  }

  @Test func readsExtraKeysAndReportsBadBoxes() throws {
    let good = Data(
      #"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.25, "area": 12}]"#.utf8)
    #expect(
      try COCOResults.decode(good) == [
        Detection(imageID: 1, box: Box(x1: 1, y1: 2, x2: 4, y2: 6), categoryID: 2, score: 0.25)
      ])
    let bad = Data(
      (#"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.25},"#
        + #" {"image_id": 1, "category_id": 2, "bbox": [1, 2], "score": 0.25}]"#).utf8)
    let error = try #require(throws: DatasetsError.self) {
      try COCOResults.decode(bad, file: "r.json")
    }
    #expect(error.description == "r.json: [1].bbox: expected 4 numbers")
    let noScore = Data(#"[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}]"#.utf8)
    let missing = try #require(throws: DatasetsError.self) { try COCOResults.decode(noScore) }
    #expect(missing.description == "results.json: [0].score: missing required key")
  }

  @Test func refusesNonFiniteValues() {
    let detection = Detection(
      imageID: 1, box: Box(x1: 0, y1: 0, x2: .nan, y2: 1), categoryID: 1, score: 0.5)
    #expect(throws: DatasetsError.nonFiniteDetection(index: 1)) {
      try COCOResults.encode([
        Detection(imageID: 1, box: Box(x1: 0, y1: 0, x2: 1, y2: 1), categoryID: 1, score: 0.5),
        detection,
      ])
    }
  }
}
