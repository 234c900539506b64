import Boxes
import Testing

@Suite struct BoxClippingTests {
  @Test func clampsEachCoordinateToTheImage() {
    let box = Box(x1: -5, y1: 10, x2: 700, y2: 500).clipped(width: 640, height: 480)
    #expect(box == Box(x1: 0, y1: 10, x2: 640, y2: 480))
  }

  @Test func insideBoxIsUnchanged() {
    let box = Box(x1: 1.5, y1: 2, x2: 30, y2: 40)
    #expect(box.clipped(width: 640, height: 480) == box)
  }

  @Test func outsideBoxCollapsesOnTheBorder() {
    let box = Box(x1: 700, y1: -30, x2: 800, y2: -10).clipped(width: 640, height: 480)
    #expect(box == Box(x1: 640, y1: 0, x2: 640, y2: 0))
    #expect(box.isDegenerate)
  }

  @Test func invertedBoxStaysInverted() {
    let box = Box(x1: 50, y1: 40, x2: 10, y2: 20).clipped(width: 640, height: 480)
    #expect(box == Box(x1: 50, y1: 40, x2: 10, y2: 20))
    #expect(box.isDegenerate)
  }

  @Test func nanCoordinateStaysNaN() {
    let box = Box(x1: .nan, y1: 0, x2: 10, y2: 10).clipped(width: 5, height: 5)
    #expect(box.x1.isNaN)
    #expect(box.x2 == 5 && box.y2 == 5)
  }
}
