import Boxes
import Evaluation
import Imaging
import Testing

@Suite struct RecallOverlayTests {
  /// A 100 x 100 image shown at 50 x 50: found object (green), its proposal (blue), missed
  /// object (red); boxes are halved.
  @Test func drawsFoundMissedAndBestProposalAtScale() throws {
    let found = ObjectRecall(
      annotationIndex: 0, box: Box(x1: 10, y1: 10, x2: 50, y2: 50), label: 0, size: .medium,
      bestIoU: [0.9], bestProposalIndex: [0], bestProposal: [Box(x1: 60, y1: 60, x2: 100, y2: 100)])
    let missed = ObjectRecall(
      annotationIndex: 1, box: Box(x1: 60, y1: 0, x2: 100, y2: 40), label: 0, size: .medium,
      bestIoU: [0.2], bestProposalIndex: [nil], bestProposal: [nil])
    let image = ImageRecall(
      imageID: 1, fileName: "x.png", width: 100, height: 100, status: .evaluated, proposalCount: 1,
      objects: [found, missed])
    let drawn = try RecallOverlay.draw(
      image, on: Image(width: 50, height: 50, channels: 3), countIndex: 0, iou: 0.5, lineWidth: 1)
    func color(_ x: Int, _ y: Int) -> RGBColor {
      RGBColor(
        red: drawn[x: x, y: y, channel: 0], green: drawn[x: x, y: y, channel: 1],
        blue: drawn[x: x, y: y, channel: 2])
    }
    #expect(color(5, 24) == RecallOverlay.groundTruthColor)  // left edge of [5, 25)
    #expect(color(49, 40) == RecallOverlay.proposalColor)  // right edge of [30, 50)
    #expect(color(49, 10) == RecallOverlay.missedColor)  // right edge of [30, 50) x [0, 20)
    #expect(color(12, 22) == .black)  // inside, below the label tab: untouched
  }
}
