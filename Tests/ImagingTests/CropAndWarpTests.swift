import Boxes
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct CropAndWarpTests {
  static func randomImage(seed: UInt64 = 21) -> Image {
    var random = SplitMix64(seed: seed)
    return random.image(width: 12, height: 9, channels: 3)
  }

  @Test func wholeImageWithoutPaddingEqualsResize() {
    let image = Self.randomImage()
    let whole = Box(x1: 0, y1: 0, x2: 12, y2: 9)
    for (w, h) in [(5, 5), (24, 18), (7, 13)] {
      let warped = image.cropAndWarp(box: whole, to: (width: w, height: h), contextPadding: 0)
      #expect(warped == image.resized(width: w, height: h))
    }
  }

  @Test func boxOutsideTheImageIsAllFill() {
    let image = Self.randomImage()
    let mean = image.meanColor()
    let far = Box(x1: 40, y1: 30, x2: 60, y2: 50)
    let warped = image.cropAndWarp(box: far, to: (width: 10, height: 8), contextPadding: 2)
    for p in 0..<(10 * 8) {
      #expect(Array(warped.pixels[(p * 3)..<(p * 3 + 3)]) == mean)
    }
    let red = image.cropAndWarp(
      box: far, to: (width: 4, height: 4), contextPadding: 0, fill: .color([1, 0, 0]))
    #expect(red.pixels == Array(repeating: [Float(1), 0, 0], count: 16).flatMap { $0 })
  }

  @Test func degenerateBoxesGiveFillOnly() {
    let image = Self.randomImage()
    let fill: [Float] = [0.1, 0.2, 0.3]
    let boxes = [
      Box(x1: .nan, y1: 0, x2: 5, y2: 5),
      Box(x1: 2, y1: 2, x2: 2, y2: 6),
      Box(x1: 0, y1: 5, x2: 4, y2: 1),
      Box(x1: 0, y1: 0, x2: .infinity, y2: 3),
    ]
    for box in boxes {
      let warped = image.cropAndWarp(
        box: box, to: (width: 6, height: 5), contextPadding: 1, fill: .color(fill))
      #expect(warped.width == 6 && warped.height == 5)
      #expect(warped.pixels == Array(repeating: fill, count: 30).flatMap { $0 }, "\(box)")
    }
  }

  @Test func paddingShowsContextAtTheSameScale() {
    let image = Self.randomImage()
    let box = Box(x1: 3, y1: 2, x2: 9, y2: 7)
    let size = (width: 16, height: 14)
    let padding = 3
    let padded = image.cropAndWarp(box: box, to: size, contextPadding: padding)
    // The inner rectangle is the box alone, warped to the inner size.
    let inner = image.cropAndWarp(
      box: box, to: (width: size.width - 2 * padding, height: size.height - 2 * padding),
      contextPadding: 0)
    for y in 0..<inner.height {
      for x in 0..<inner.width {
        for c in 0..<3 {
          #expect(
            padded[x: x + padding, y: y + padding, channel: c] == inner[x: x, y: y, channel: c])
        }
      }
    }
    // The whole output is the box enlarged by `padding` output pixels' worth of source.
    let scaleX = box.width / Float(size.width - 2 * padding)
    let scaleY = box.height / Float(size.height - 2 * padding)
    let enlarged = Box(
      x1: box.x1 - Float(padding) * scaleX, y1: box.y1 - Float(padding) * scaleY,
      x2: box.x2 + Float(padding) * scaleX, y2: box.y2 + Float(padding) * scaleY)
    let viaEnlarged = image.cropAndWarp(box: enlarged, to: size, contextPadding: 0)
    #expect(closeMismatch(padded.pixels, viaEnlarged.pixels, atol: 1e-5, rtol: 0) == nil)
  }

  @Test func partlyOutsideFillsOnlyPixelsWhoseCentreIsOutside() {
    let image = Self.randomImage()
    // Box [-6, 6) x [0, 9) onto 12 columns, no padding: one output column per half pixel,
    // output column u has its centre at x = -6 + (u + 0.5); columns 0..5 are outside.
    let fill: [Float] = [-1, -1, -1]
    let warped = image.cropAndWarp(
      box: Box(x1: -6, y1: 0, x2: 6, y2: 9), to: (width: 12, height: 9), contextPadding: 0,
      fill: .color(fill))
    for y in 0..<9 {
      for u in 0..<12 {
        let value = warped[x: u, y: y, channel: 1]
        if u < 6 {
          #expect(value == -1)
        } else {
          // Centre at x = u - 5.5 is pixel (u - 6)'s centre: an exact sample.
          #expect(value == image[x: u - 6, y: y, channel: 1])
        }
      }
    }
  }
}
