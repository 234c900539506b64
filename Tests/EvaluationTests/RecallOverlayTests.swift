import Boxes
import Evaluation
import Imaging
import Testing

@Suite struct RecallOverlayTests {
  static let found = ObjectRecall(
    annotationIndex: 0, box: Box(x1: 10, y1: 10, x2: 50, y2: 50), label: 0, size: .medium,
    bestIoU: [0.9], bestProposalIndex: [0], bestProposal: [Box(x1: 60, y1: 60, x2: 100, y2: 100)])
  static let missed = ObjectRecall(
    annotationIndex: 1, box: Box(x1: 60, y1: 0, x2: 100, y2: 40), label: 0, size: .medium,
    bestIoU: [0.2], bestProposalIndex: [nil], bestProposal: [nil])

  /// A 100 x 100 image shown at 200 x 200: found object (green), its proposal (blue), missed
  /// object (red); boxes are doubled.
  @Test func drawsFoundMissedAndBestProposalAtScale() throws {
    let image = ImageRecall(
      imageID: 1, fileName: "x.png", width: 100, height: 100, status: .evaluated, proposalCount: 1,
      objects: [Self.found, Self.missed])
    let drawn = try RecallOverlay.draw(
      image, on: Image(width: 200, height: 200, channels: 3), countIndex: 0, iou: 0.5, lineWidth: 1)
    func color(_ x: Int, _ y: Int) -> RGBColor {
      RGBColor(
        red: drawn[x: x, y: y, channel: 0], green: drawn[x: x, y: y, channel: 1],
        blue: drawn[x: x, y: y, channel: 2])
    }
    #expect(color(20, 60) == RecallOverlay.groundTruthColor)  // left edge of [20, 100)
    #expect(color(199, 160) == RecallOverlay.proposalColor)  // right edge of [120, 200)
    #expect(color(199, 40) == RecallOverlay.missedColor)  // right edge of [120, 200) x [0, 80)
    #expect(color(60, 60) == .black)  // inside the found box, away from its tab: untouched
    // Each ground-truth box has a tab of its colour: many more pixels than its outline.
    var green = 0
    var red = 0
    for y in 0..<200 {
      for x in 0..<200 {
        if color(x, y) == RecallOverlay.groundTruthColor { green += 1 }
        if color(x, y) == RecallOverlay.missedColor { red += 1 }
      }
    }
    #expect(green > 320 + 150 && red > 80 + 80 + 80 + 150, "green \(green), red \(red)")
  }

  @Test func labelsGiveTheBestIoU() {
    #expect(RecallOverlay.label(Self.found, countIndex: 0) == "IoU 0.90")
    #expect(RecallOverlay.label(Self.missed, countIndex: 0) == "IoU 0.20")
  }
}
