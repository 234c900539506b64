import Boxes
import RegionKitTestSupport
import Testing

/// `Fixtures/goldens/nms.json`: torchvision `nms` and `batched_nms` (CPU).
/// Tolerance: exact kept indices, in torchvision's order.
@Suite struct NMSGoldenTests {
  @Test(arguments: [0.3, 0.5, 0.7])
  func random200(iouThreshold: Double) throws {
    let golden = try GoldenFile("nms.json").case("random_200")
    let boxes = try golden.tensor("inputs", "boxes").boxes
    let scores = try golden.tensor("inputs", "scores").floats
    let classIDs = try golden.tensor("inputs", "class_ids").ints
    let key = "iou\(iouThreshold)"
    let expectedNMS = try golden.tensor("expected", "nms_keep_\(key)").ints
    let expectedBatched = try golden.tensor("expected", "batched_nms_keep_\(key)").ints

    #expect(
      nonMaximumSuppression(boxes: boxes, scores: scores, iouThreshold: iouThreshold) == expectedNMS
    )
    #expect(
      batchedNonMaximumSuppression(
        boxes: boxes, scores: scores, classIDs: classIDs, iouThreshold: iouThreshold)
        == expectedBatched)
    // The slow reference agrees as well.
    #expect(
      referenceNonMaximumSuppression(boxes: boxes, scores: scores, iouThreshold: iouThreshold)
        == expectedNMS)
    #expect(
      referenceBatchedNonMaximumSuppression(
        boxes: boxes, scores: scores, classIDs: classIDs, iouThreshold: iouThreshold)
        == expectedBatched)
  }

  @Test func craftedCases() throws {
    let cases = try #require(GoldenFile("nms.json").root["crafted_cases"] as? [[String: Any]])
    #expect(cases.count == 4)
    for object in cases {
      let crafted = GoldenCase(object: object, file: "nms.json")
      let iouThreshold = try #require(crafted.value("iou_threshold") as? Double)
      let boxes = try crafted.tensor("inputs", "boxes").boxes
      let scores = try crafted.tensor("inputs", "scores").floats
      let expected = try crafted.tensor("expected", "keep").ints
      #expect(
        nonMaximumSuppression(boxes: boxes, scores: scores, iouThreshold: iouThreshold) == expected,
        "\(crafted.name)")
      #expect(
        referenceNonMaximumSuppression(boxes: boxes, scores: scores, iouThreshold: iouThreshold)
          == expected, "\(crafted.name)")
    }
  }
}
