import Boxes
import Testing

@Suite struct IntersectionOverUnionTests {
  let unit = Box(x1: 0, y1: 0, x2: 10, y2: 10)

  @Test func intersectionOfOverlappingBoxes() {
    let other = Box(x1: 5, y1: 5, x2: 20, y2: 20)
    #expect(unit.intersection(other) == Box(x1: 5, y1: 5, x2: 10, y2: 10))
    #expect(unit.intersectionArea(other) == 25)
    #expect(unit.iou(other) == Float(25) / (100 + 225 - 25))
  }

  @Test func touchingAndDisjointBoxesDoNotIntersect() {
    let touching = Box(x1: 10, y1: 0, x2: 20, y2: 10)
    let far = Box(x1: 100, y1: 100, x2: 110, y2: 110)
    for other in [touching, far] {
      #expect(unit.intersection(other) == nil)
      #expect(unit.intersectionArea(other) == 0)
      #expect(unit.iou(other) == 0)
    }
  }

  @Test func iouIsOneForIdenticalBoxesAndSymmetric() {
    let other = Box(x1: 3, y1: -2, x2: 12.5, y2: 7)
    #expect(unit.iou(unit) == 1)
    #expect(unit.iou(other) == other.iou(unit))
    #expect(unit.generalizedIoU(other) == other.generalizedIoU(unit))
  }

  @Test func iouEqualToHalf() {
    // The crafted NMS case: IoU exactly 0.5.
    #expect(Box(x1: 0, y1: 0, x2: 2, y2: 1).iou(Box(x1: 0, y1: 0, x2: 1, y2: 1)) == 0.5)
  }

  @Test func generalizedIoUOfDisjointBoxesIsNegative() {
    let right = Box(x1: 20, y1: 0, x2: 30, y2: 10)
    // Enclosing box 30 x 10 = 300, union 200: 0 - 100 / 300.
    #expect(unit.generalizedIoU(right) == 0 - Float(100) / 300)
    #expect(unit.generalizedIoU(unit) == 1)
  }

  @Test func zeroAreaPairsGiveNaNAsTorchvision() {
    let line = Box(x1: 5, y1: 5, x2: 5, y2: 9)
    let point = Box(x1: 1, y1: 1, x2: 1, y2: 1)
    #expect(line.iou(point).isNaN)
    #expect(line.iou(line).isNaN)
    #expect(line.generalizedIoU(point).isNaN)
    // Against a box with area, a zero-area box has IoU 0 and a defined GIoU.
    #expect(line.iou(unit) == 0)
    #expect(line.generalizedIoU(unit).isFinite)
  }

  @Test func invertedBoxHasNoIntersection() {
    let inverted = Box(x1: 8, y1: 8, x2: 2, y2: 2)
    #expect(unit.intersection(inverted) == nil)
    #expect(unit.intersectionArea(inverted) == 0)
    #expect(unit.iou(inverted) == 0)
  }

  @Test func nanCoordinatesGiveNaN() {
    let broken = Box(x1: .nan, y1: 0, x2: 5, y2: 5)
    #expect(unit.iou(broken).isNaN)
    #expect(broken.iou(unit).isNaN)
    #expect(unit.intersection(broken) == nil)
  }
}
