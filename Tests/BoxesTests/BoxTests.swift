import Boxes
import Testing

@Suite struct BoxTests {
  @Test func sizeAndAreaHaveNoPlusOne() {
    let box = Box(x1: 10, y1: 20, x2: 110, y2: 70)
    #expect(box.width == 100)
    #expect(box.height == 50)
    #expect(box.area == 5000)
    #expect(box.center.x == 60 && box.center.y == 45)
  }

  @Test func cocoAndVOCConversions() {
    #expect(Box(x: 5, y: 6, width: 10, height: 20) == Box(x1: 5, y1: 6, x2: 15, y2: 26))
    // VOC xmin=1..xmax=W is the whole row [0, W).
    #expect(Box(vocXMin: 1, yMin: 1, xMax: 640, yMax: 480) == Box(x1: 0, y1: 0, x2: 640, y2: 480))
    #expect(Box(x1: 1, y1: 2, x2: 4, y2: 8).xywh == [1, 2, 3, 6])
  }

  @Test func degenerateBoxes() {
    #expect(!Box(x1: 0, y1: 0, x2: 1, y2: 1).isDegenerate)
    #expect(Box(x1: 2, y1: 0, x2: 1, y2: 1).isDegenerate)
    #expect(Box(x1: 0, y1: 0, x2: 0, y2: 1).isDegenerate)
    #expect(Box(x1: .nan, y1: 0, x2: 1, y2: 1).isDegenerate)
    #expect(!Box(x1: 0, y1: 0, x2: .infinity, y2: 1).isFinite)
  }
}
