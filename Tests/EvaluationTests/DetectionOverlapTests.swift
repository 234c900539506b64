import Boxes
import Testing

@testable import Evaluation

@Suite struct DetectionOverlapTests {
  @Test func iouOfHandBoxes() {
    let a = Box(x1: 0, y1: 0, x2: 10, y2: 10)
    func overlap(_ b: Box) -> Double {
      detectionOverlap(detection: b, groundTruth: a, isCrowd: false)
    }
    #expect(overlap(Box(x1: 0, y1: 0, x2: 10, y2: 20)) == 0.5)
    #expect(overlap(Box(x1: 5, y1: 0, x2: 15, y2: 10)) == 50.0 / 150)
    #expect(overlap(Box(x1: 10, y1: 0, x2: 20, y2: 10)) == 0)  // touching edges
    #expect(overlap(Box(x1: 3, y1: 3, x2: 3, y2: 8)) == 0)  // degenerate
    #expect(boxArea(Box(x1: 3, y1: 3, x2: 1, y2: 8)) == 0)  // inverted
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
