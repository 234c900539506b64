import Testing

@testable import Boxes

@Suite struct NonMaximumSuppressionTests {
  @Test(arguments: [0.0, 0.3, 0.5, 0.7, 1.0])
  func fastEqualsReferenceOnSeededInputs(iouThreshold: Double) {
    for seed: UInt64 in 1...12 {
      let input = RandomBoxes(count: 300, seed: seed)
      let fast = nonMaximumSuppression(
        boxes: input.boxes, scores: input.scores, iouThreshold: iouThreshold)
      let slow = referenceNonMaximumSuppression(
        boxes: input.boxes, scores: input.scores, iouThreshold: iouThreshold)
      #expect(fast == slow, "seed \(seed)")
    }
  }

  @Test func keptBoxesDoNotOverlapAboveThresholdAndAreSortedByScore() {
    let input = RandomBoxes(count: 500, seed: 99)
    let keep = nonMaximumSuppression(boxes: input.boxes, scores: input.scores, iouThreshold: 0.5)
    #expect(keep.count > 10 && keep.count < 500)
    for (position, i) in keep.enumerated() {
      for j in keep[(position + 1)...] {
        #expect(!(input.boxes[i].iou(input.boxes[j]) > 0.5))
        let orderedByScore = input.scores[i] > input.scores[j]
        let tieByIndex = input.scores[i] == input.scores[j] && i < j
        #expect(orderedByScore || tieByIndex)
      }
    }
    // Every dropped box overlaps a kept, higher-ranked box by more than the threshold.
    let kept = Set(keep)
    for dropped in input.boxes.indices where !kept.contains(dropped) {
      #expect(keep.contains { input.boxes[$0].iou(input.boxes[dropped]) > 0.5 })
    }
  }

  @Test func emptyInput() {
    #expect(nonMaximumSuppression(boxes: [], scores: [], iouThreshold: 0.5).isEmpty)
  }

  @Test func nanScoresAreDropped() {
    let boxes = [
      Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 0, y1: 0, x2: 10, y2: 10),
      Box(x1: 50, y1: 50, x2: 60, y2: 60),
    ]
    // The NaN-score box 0 would be visited first by torchvision and suppress box 1.
    let keep = nonMaximumSuppression(boxes: boxes, scores: [.nan, 0.2, 0.9], iouThreshold: 0.5)
    #expect(keep == [2, 1])
    #expect(
      nonMaximumSuppression(boxes: boxes, scores: [.nan, .nan, .nan], iouThreshold: 0.5).isEmpty)
  }

  @Test func nanBoxesNeitherSuppressNorAreSuppressed() {
    let boxes = [
      Box(x1: 0, y1: 0, x2: .nan, y2: 10), Box(x1: 0, y1: 0, x2: 10, y2: 10),
      Box(x1: 0, y1: 0, x2: 10, y2: 10),
    ]
    let keep = nonMaximumSuppression(boxes: boxes, scores: [0.9, 0.8, 0.7], iouThreshold: 0.5)
    #expect(keep == [0, 1])
  }

  @Test func zeroAreaDuplicatesAreBothKept() {
    // Two identical points have IoU 0 / 0 = NaN, which never suppresses (as in torchvision).
    let point = Box(x1: 4, y1: 4, x2: 4, y2: 4)
    #expect(
      nonMaximumSuppression(boxes: [point, point], scores: [1, 1], iouThreshold: 0.5) == [0, 1])
  }

  @Test func invertedBoxesNeverOverlap() {
    let inverted = Box(x1: 10, y1: 10, x2: 0, y2: 0)
    let keep = nonMaximumSuppression(
      boxes: [inverted, inverted, Box(x1: 0, y1: 0, x2: 10, y2: 10)], scores: [0.5, 0.4, 0.3],
      iouThreshold: 0.1)
    #expect(keep == [0, 1, 2])
  }

  @Test func negativeZeroTiesWithZero() {
    let boxes = [Box(x1: 0, y1: 0, x2: 1, y2: 1), Box(x1: 5, y1: 5, x2: 6, y2: 6)]
    #expect(nonMaximumSuppression(boxes: boxes, scores: [-0.0, 0.0], iouThreshold: 0.5) == [0, 1])
    #expect(nonMaximumSuppression(boxes: boxes, scores: [0.0, -0.0], iouThreshold: 0.5) == [0, 1])
  }

  @Test func infiniteScoresSortAtTheEnds() {
    let boxes = (0..<4).map { Box(x1: Float($0) * 10, y1: 0, x2: Float($0) * 10 + 1, y2: 1) }
    let keep = nonMaximumSuppression(
      boxes: boxes, scores: [-.infinity, 0.5, .infinity, -1e30], iouThreshold: 0.5)
    #expect(keep == [2, 1, 3, 0])
  }

  @Test func thresholdIsComparedAsDouble() {
    // IoU 3 / 10 in Float is 0.300000012, above the double 0.3, so torchvision's kernel
    // (float IoU > double threshold) suppresses it; a comparison with Float(0.3) would not.
    let c = Box(x1: 0, y1: 0, x2: 10, y2: 1)
    let d = Box(x1: 7, y1: 0, x2: 10, y2: 1)
    #expect(c.iou(d) == Float(0.3) && Double(c.iou(d)) > 0.3)
    #expect(nonMaximumSuppression(boxes: [c, d], scores: [1, 0.5], iouThreshold: 0.3) == [0])
    #expect(floatThreshold(0.3) == Float(0.3).nextDown)
    #expect(floatThreshold(0.5) == 0.5)
    #expect(floatThreshold(Double(Float(0.7))) == Float(0.7))
  }
}
