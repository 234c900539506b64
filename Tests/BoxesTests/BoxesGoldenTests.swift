import Boxes
import RegionKitTestSupport
import Testing

/// `Fixtures/goldens/boxes.json`: torchvision `box_area`, `box_iou`, `generalized_box_iou`.
/// Tolerance (golden README): atol 1e-6 + rtol 1e-5.
@Suite struct BoxesGoldenTests {
  static let atol: Float = 1e-6
  static let rtol: Float = 1e-5

  @Test func pairwise20x30() throws {
    let golden = try GoldenFile("boxes.json").case("pairwise_20x30")
    let boxes1 = try golden.tensor("inputs", "boxes1").boxes
    let boxes2 = try golden.tensor("inputs", "boxes2").boxes
    #expect(boxes1.count == 20 && boxes2.count == 30)

    let area1 = try golden.tensor("expected", "area1").floats
    let area2 = try golden.tensor("expected", "area2").floats
    #expect(closeMismatch(boxes1.map(\.area), area1, atol: Self.atol, rtol: Self.rtol) == nil)
    #expect(closeMismatch(boxes2.map(\.area), area2, atol: Self.atol, rtol: Self.rtol) == nil)

    let iou = IoUMatrix(rows: boxes1, columns: boxes2)
    let expectedIoU = try golden.tensor("expected", "iou")
    #expect(expectedIoU.shape == [20, 30])
    #expect(closeMismatch(iou.values, expectedIoU.floats, atol: Self.atol, rtol: Self.rtol) == nil)

    let giou = IoUMatrix(rows: boxes1, columns: boxes2, measure: .generalizedIoU)
    let expectedGIoU = try golden.tensor("expected", "giou").floats
    #expect(closeMismatch(giou.values, expectedGIoU, atol: Self.atol, rtol: Self.rtol) == nil)

    // The pairwise functions agree with the golden matrices too.
    let pairwise = boxes1.flatMap { a in boxes2.map { a.iou($0) } }
    #expect(closeMismatch(pairwise, expectedIoU.floats, atol: Self.atol, rtol: Self.rtol) == nil)
    let pairwiseGIoU = boxes1.flatMap { a in boxes2.map { a.generalizedIoU($0) } }
    #expect(closeMismatch(pairwiseGIoU, expectedGIoU, atol: Self.atol, rtol: Self.rtol) == nil)
  }

  @Test func zeroAreaPairsAreNaNAsTorchvision() throws {
    let block = GoldenCase(
      object: try #require(GoldenFile("boxes.json").root["zero_area_pairs"] as? [String: Any]),
      file: "boxes.json")
    let boxes1 = try block.tensor("boxes1").boxes
    let boxes2 = try block.tensor("boxes2").boxes
    let iouIsNaN = try block.tensor("iou_is_nan").ints.map { $0 == 1 }
    let giouIsNaN = try block.tensor("giou_is_nan").ints.map { $0 == 1 }
    #expect(IoUMatrix(rows: boxes1, columns: boxes2).values.map(\.isNaN) == iouIsNaN)
    #expect(
      IoUMatrix(rows: boxes1, columns: boxes2, measure: .generalizedIoU).values.map(\.isNaN)
        == giouIsNaN)
  }
}
