import Boxes
import Testing

@Suite struct BatchedNonMaximumSuppressionTests {
  @Test(arguments: [0.3, 0.5, 0.7])
  func fastEqualsReferenceOnSeededInputs(iouThreshold: Double) {
    for seed: UInt64 in 20...30 {
      let input = RandomBoxes(count: 300, seed: seed, classes: 5)
      let fast = batchedNonMaximumSuppression(
        boxes: input.boxes, scores: input.scores, classIDs: input.classIDs,
        iouThreshold: iouThreshold)
      let slow = referenceBatchedNonMaximumSuppression(
        boxes: input.boxes, scores: input.scores, classIDs: input.classIDs,
        iouThreshold: iouThreshold)
      #expect(fast == slow, "seed \(seed)")
    }
  }

  @Test(arguments: [0.3, 0.5, 0.7])
  func equalsTheCoordinateTrickOnIntegerCoordinates(iouThreshold: Double) {
    for seed: UInt64 in 40...45 {
      let input = RandomBoxes(count: 250, seed: seed, integerCoordinates: true, classes: 7)
      let classIDs = input.classIDs.map { $0 * 13 - 20 }  // arbitrary, negative ids too
      // The trick needs non-negative coordinates (as in torchvision); +20 is exact.
      let boxes = input.boxes.map {
        Box(x1: $0.x1 + 20, y1: $0.y1 + 20, x2: $0.x2 + 20, y2: $0.y2 + 20)
      }
      #expect(boxes.allSatisfy { $0.x1 >= 0 && $0.y1 >= 0 })
      #expect(
        batchedNonMaximumSuppression(
          boxes: boxes, scores: input.scores, classIDs: classIDs, iouThreshold: iouThreshold)
          == coordinateTrick(boxes, input.scores, classIDs, iouThreshold), "seed \(seed)")
    }
  }

  @Test func singleClassEqualsPlainNMS() {
    let input = RandomBoxes(count: 200, seed: 5)
    #expect(
      batchedNonMaximumSuppression(
        boxes: input.boxes, scores: input.scores, classIDs: Array(repeating: 3, count: 200),
        iouThreshold: 0.5)
        == nonMaximumSuppression(boxes: input.boxes, scores: input.scores, iouThreshold: 0.5))
  }

  @Test func differentClassesNeverSuppressEachOther() {
    let box = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    let keep = batchedNonMaximumSuppression(
      boxes: [box, box, box], scores: [0.5, 0.9, 0.7], classIDs: [1, 2, 1], iouThreshold: 0.5)
    #expect(keep == [1, 2])
  }

  @Test func emptyInputAndNaNScores() {
    #expect(
      batchedNonMaximumSuppression(boxes: [], scores: [], classIDs: [], iouThreshold: 0.5).isEmpty)
    let box = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    let keep = batchedNonMaximumSuppression(
      boxes: [box, box], scores: [.nan, 0.1], classIDs: [0, 0], iouThreshold: 0.5)
    #expect(keep == [1])
  }

  /// torchvision's `_batched_nms_coordinate_trick`: offset each class by
  /// `classID * (max coordinate + 1)` (class ids shifted to start at 0), then one plain NMS.
  private func coordinateTrick(
    _ boxes: [Box], _ scores: [Float], _ classIDs: [Int], _ iouThreshold: Double
  ) -> [Int] {
    let maxCoordinate = boxes.flatMap(\.corners).max() ?? 0
    let smallestID = classIDs.min() ?? 0
    let shifted = zip(boxes, classIDs).map { box, classID in
      let offset = Float(classID - smallestID) * (maxCoordinate + 1)
      return Box(x1: box.x1 + offset, y1: box.y1 + offset, x2: box.x2 + offset, y2: box.y2 + offset)
    }
    return nonMaximumSuppression(boxes: shifted, scores: scores, iouThreshold: iouThreshold)
  }
}
