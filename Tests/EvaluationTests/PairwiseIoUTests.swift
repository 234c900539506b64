import Boxes
import Testing

@testable import Evaluation

@Suite struct PairwiseIoUTests {
  @Test func iouOfHandBoxes() {
    let a = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    #expect(pairwiseIoU(a, Box(x1: 0, y1: 0, x2: 10, y2: 20)) == 0.5)
    #expect(pairwiseIoU(a, Box(x1: 5, y1: 0, x2: 15, y2: 10)) == 50.0 / 150)
    #expect(pairwiseIoU(a, Box(x1: 10, y1: 0, x2: 20, y2: 10)) == 0)  // touching edges
    #expect(pairwiseIoU(a, Box(x1: 3, y1: 3, x2: 3, y2: 8)) == 0)  // degenerate
  }

  @Test func crowdOverlapIsIntersectionOverDetectionArea() {
    let crowd = Box(x1: 0, y1: 0, x2: 100, y2: 100)
    let detection = Box(x1: 90, y1: 0, x2: 110, y2: 10)
    #expect(detectionOverlap(detection: detection, groundTruth: crowd, isCrowd: true) == 0.5)
    #expect(
      detectionOverlap(detection: detection, groundTruth: crowd, isCrowd: false)
        == 100.0 / (200 + 10_000 - 100))
  }
}
