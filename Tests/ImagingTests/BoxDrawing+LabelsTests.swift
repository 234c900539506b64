import Boxes
import Imaging
import Testing

@Suite struct BoxDrawingLabelsTests {
  private let red = RGBColor(red: 1, green: 0, blue: 0)
  private let blue = RGBColor(red: 0, green: 0, blue: 1)

  private func count(_ color: RGBColor, in image: Image) -> Int {
    var found = 0
    for y in 0..<image.height {
      for x in 0..<image.width
      where image[x: x, y: y, channel: 0] == color.red
        && image[x: x, y: y, channel: 1] == color.green
        && image[x: x, y: y, channel: 2] == color.blue
      {
        found += 1
      }
    }
    return found
  }

  @Test func theFirstBoxIsDrawnOnTop() throws {
    var image = Image(width: 20, height: 20, channels: 3)
    let box = Box(x1: 2, y1: 2, x2: 18, y2: 18)
    let placements = try image.drawBoxes(
      [LabeledBox(box: box, color: red), LabeledBox(box: box, color: blue)], lineWidth: 1)
    #expect(placements.isEmpty)
    #expect(count(red, in: image) == 60 && count(blue, in: image) == 0)
  }

  @Test func labelsOfCoincidingBoxesDoNotOverlap() throws {
    var image = Image(width: 200, height: 140, channels: 3)
    let box = Box(x1: 40, y1: 50, x2: 160, y2: 120)
    let placements = try image.drawBoxes(
      [
        LabeledBox(box: box, color: red, label: "IoU 0.87"),
        LabeledBox(box: box, color: blue, label: "IoU 0.40"),
      ], fontSize: 12)
    #expect(placements.count == 2)
    let (a, b) = (placements[0].rectangle, placements[1].rectangle)
    #expect(a.intersectionArea(b) == 0, "\(a) \(b)")
    // Both tabs are drawn: far more pixels of each colour than the outlines alone hold.
    let outline = 2 * (120 + 70) * 2
    #expect(count(red, in: image) > outline / 2 + 100 && count(blue, in: image) > 100)
  }
}
