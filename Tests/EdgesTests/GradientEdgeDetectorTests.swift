import Imaging
import Testing

@testable import Edges

/// A `width x height` image with value `high` from column `edge` on and `low` before it, in
/// the given channel (the others stay 0).
func verticalStep(width: Int, height: Int, edge: Int, channels: Int = 1, channel: Int = 0) -> Image
{
  var image = Image(width: width, height: height, channels: channels)
  for y in 0..<height { for x in edge..<width { image[x: x, y: y, channel: channel] = 1 } }
  return image
}

@Suite struct GradientEdgeDetectorTests {
  @Test(arguments: GradientOperator.allCases)
  func fullStepHasStrengthOne(op: GradientOperator) throws {
    let map = try GradientEdgeDetector(operator: op).edges(
      in: verticalStep(width: 10, height: 6, edge: 5))
    for y in 0..<6 {
      for x in 0..<10 {
        let expected: Float = (x == 4 || x == 5) ? 1 : 0
        #expect(map[x: x, y: y] == expected, "(\(x), \(y))")
      }
      #expect(map.orientation[y * 10 + 4] == 0)  // gradient points right
    }
  }

  @Test func rampGivesSlopeTimesEightOverFour() throws {
    // value = x / 10: Sobel derivative 8 * 0.1 = 0.8, normalised by 4 = 0.2.
    var image = Image(width: 12, height: 5, channels: 1)
    for y in 0..<5 { for x in 0..<12 { image[x: x, y: y, channel: 0] = Float(x) / 10 } }
    let map = try GradientEdgeDetector().edges(in: image)
    for y in 0..<5 { for x in 1..<11 { #expect(abs(map[x: x, y: y] - 0.2) < 1e-6) } }
    // A horizontal edge points down: orientation +π/2.
    var rows = Image(width: 6, height: 6, channels: 1)
    for y in 3..<6 { for x in 0..<6 { rows[x: x, y: y, channel: 0] = 1 } }
    let down = try GradientEdgeDetector().edges(in: rows)
    #expect(abs(down.orientation[2 * 6 + 3] - Float.pi / 2) < 1e-6)
  }

  @Test func colourEdgeInAnyChannelCounts() throws {
    let grey = try GradientEdgeDetector().edges(in: verticalStep(width: 8, height: 4, edge: 4))
    let blue = try GradientEdgeDetector().edges(
      in: verticalStep(width: 8, height: 4, edge: 4, channels: 3, channel: 2))
    #expect(grey == blue)
  }

  @Test func rejectsNegativeSigma() {
    #expect(throws: EdgesError.self) {
      try GradientEdgeDetector(sigma: -1).edges(in: Image(width: 3, height: 3, channels: 1))
    }
  }

  @Test func edgeMapBecomesOneChannelImage() throws {
    let map = try GradientEdgeDetector().edges(in: verticalStep(width: 6, height: 3, edge: 3))
    let image = Image(map)
    #expect(image.channels == 1 && image.width == 6 && image.height == 3)
    #expect(image.pixels == map.strength)
    #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
  }
}
