import Boxes
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct BoxDrawingTests {
  private let red = RGBColor(red: 1, green: 0, blue: 0)

  private func isRed(_ image: Image, _ x: Int, _ y: Int) -> Bool {
    image[x: x, y: y, channel: 0] == 1 && image[x: x, y: y, channel: 1] == 0
      && image[x: x, y: y, channel: 2] == 0
  }

  /// Coordinates of the red pixels, row by row.
  private func redPixels(_ image: Image) -> [[Int]] {
    var found: [[Int]] = []
    for y in 0..<image.height {
      for x in 0..<image.width where isRed(image, x, y) { found.append([x, y]) }
    }
    return found
  }

  @Test func outlineCoversTheTouchedPixelsInward() {
    var image = Image(width: 10, height: 8, channels: 3)
    image.drawBox(Box(x1: 2, y1: 1, x2: 7, y2: 6), color: red, lineWidth: 1)
    // Pixels 2...6 x 1...5: the ring of a 5x5 square, 16 pixels.
    let ring = redPixels(image)
    #expect(ring.count == 16)
    #expect(isRed(image, 2, 1) && isRed(image, 6, 5) && isRed(image, 6, 1) && isRed(image, 2, 5))
    #expect(!isRed(image, 4, 3) && !isRed(image, 7, 1) && !isRed(image, 1, 1))
  }

  @Test func fractionalCornersRoundOutward() {
    var image = Image(width: 10, height: 10, channels: 3)
    image.drawBox(Box(x1: 1.5, y1: 1.2, x2: 4.1, y2: 3.9), color: red, lineWidth: 1)
    // floor / ceil: columns 1...4, rows 1...3.
    #expect(isRed(image, 1, 1) && isRed(image, 4, 3))
    #expect(!isRed(image, 5, 1) && !isRed(image, 1, 4))
  }

  @Test func thickLinesFillSmallBoxes() {
    var image = Image(width: 10, height: 10, channels: 3)
    image.drawBox(Box(x1: 2, y1: 2, x2: 5, y2: 5), color: red, lineWidth: 4)
    #expect(redPixels(image).count == 9)
  }

  @Test func wholeImageBoxStaysVisible() {
    var image = Image(width: 6, height: 4, channels: 3)
    image.drawBox(Box(x1: 0, y1: 0, x2: 6, y2: 4), color: red, lineWidth: 1)
    #expect(redPixels(image).count == 6 * 4 - 4 * 2)
  }

  @Test func partlyOutsideBoxesAreClipped() {
    var image = Image(width: 10, height: 10, channels: 3)
    image.drawBox(Box(x1: -5, y1: 6, x2: 3, y2: 20), color: red, lineWidth: 1)
    // Clipped to columns 0...2, rows 6...9; the edges at the image border are drawn there.
    let pixels = redPixels(image)
    #expect(!pixels.isEmpty && pixels.allSatisfy { $0[0] <= 2 && $0[1] >= 6 })
    #expect(isRed(image, 2, 8) && isRed(image, 1, 6))
  }

  @Test(arguments: [
    Box(x1: 20, y1: 0, x2: 30, y2: 5), Box(x1: -10, y1: -10, x2: 0, y2: 0),
    Box(x1: .nan, y1: 0, x2: 5, y2: 5), Box(x1: 0, y1: 0, x2: .infinity, y2: 5),
    Box(x1: 5, y1: 5, x2: 2, y2: 8), Box(x1: 3, y1: 3, x2: 3, y2: 8),
  ])
  func outsideNonFiniteAndEmptyBoxesDrawNothing(box: Box) throws {
    var image = Image(width: 10, height: 10, channels: 3, repeating: 0.25)
    let before = image
    image.drawBox(box, color: red)
    try image.drawBox(box, color: red, label: "skipped")
    #expect(image == before)
  }

  @Test func labelTabSitsAboveTheBoxWithInkedText() throws {
    var image = Image(width: 120, height: 80, channels: 3)
    let box = Box(x1: 30, y1: 40, x2: 90, y2: 70)
    try image.drawBox(box, color: red, lineWidth: 2, label: "cat", fontSize: 12)
    // Above the box: red tab pixels, and white text pixels (red is dark, so ink is white).
    var tab = 0
    var ink = 0
    for y in 0..<40 {
      for x in 0..<120 {
        if isRed(image, x, y) { tab += 1 }
        if image[x: x, y: y, channel: 1] > 0.5 { ink += 1 }
        if x < 30 {
          #expect(image[x: x, y: y, channel: 0] == 0, "tab starts at the box's left edge")
        }
      }
    }
    #expect(tab > 100 && ink > 5, "tab \(tab) px, ink \(ink) px")
    // Nothing drawn far above the tab.
    #expect((0..<120).allSatisfy { image[x: $0, y: 5, channel: 0] == 0 })
  }

  @Test func labelMovesInsideAtTheImageEdges() throws {
    var image = Image(width: 100, height: 60, channels: 3)
    let box = Box(x1: 70, y1: 0, x2: 100, y2: 40)
    try image.drawBox(box, color: .white, lineWidth: 1, label: "person", fontSize: 10)
    // No room above: the tab is inside the box at the top, and shifted left to fit.
    var tabLeft = 100
    for x in 0..<100 where image[x: x, y: 3, channel: 0] == 1 { tabLeft = min(tabLeft, x) }
    #expect(tabLeft < 70, "tab shifted left to \(tabLeft)")
    // Black text on a white tab.
    var dark = 0
    for y in 0..<20 {
      for x in tabLeft..<100 where image[x: x, y: y, channel: 1] < 0.5 { dark += 1 }
    }
    #expect(dark > 5)
  }

  @Test func markupCharactersAreDrawnLiterally() throws {
    // Unescaped, "a<b & c>d" is invalid Pango markup and vips_text fails.
    var plain = Image(width: 200, height: 60, channels: 3)
    try plain.drawBox(Box(x1: 10, y1: 30, x2: 190, y2: 55), color: red, label: "ab cd")
    var marked = Image(width: 200, height: 60, channels: 3)
    try marked.drawBox(Box(x1: 10, y1: 30, x2: 190, y2: 55), color: red, label: "a<b & c>d")
    // The literal text is longer than "ab cd", so its tab is wider.
    #expect(redPixels(marked).count > redPixels(plain).count)
  }

  @Test func greyImagesGetLuminance() {
    var image = Image(width: 4, height: 4, channels: 1)
    image.drawBox(Box(x1: 0, y1: 0, x2: 4, y2: 4), color: .white, lineWidth: 1)
    #expect(image[x: 0, y: 0, channel: 0] == RGBColor.white.luminance)
    #expect(image[x: 1, y: 1, channel: 0] == 0)
  }

  @Test func fillRectangleBlendsAndClips() {
    var image = Image(width: 4, height: 4, channels: 3, repeating: 1)
    image.fillRectangle(x: -2, y: 2, width: 4, height: Int.max, color: .black, opacity: 0.25)
    #expect(image[x: 1, y: 3, channel: 0] == 0.75)
    #expect(image[x: 2, y: 3, channel: 0] == 1 && image[x: 0, y: 1, channel: 0] == 1)
  }
}
