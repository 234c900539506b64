import Imaging
import Testing

@testable import Edges

@Suite struct EdgeMapNonMaximumSuppressionTests {
  @Test func blurredStepThinsToTheTwoCentralColumns() throws {
    let image = verticalStep(width: 20, height: 8, edge: 10)
    let thick = try GradientEdgeDetector(sigma: 2).edges(in: image)
    #expect(thick.strength.filter { $0 > 0 }.count > 8 * 4)  // the blur spreads the edge
    let thin = thick.nonMaximumSuppressed()
    for y in 0..<8 {
      let kept = (0..<20).filter { thin[x: $0, y: y] > 0 }
      #expect(kept == [9, 10], "row \(y): \(kept)")
    }
  }

  @Test func diagonalRidgeIsKeptAlongItsLength() throws {
    // Bright diagonal line: the ridge survives on the line, its flanks are suppressed.
    var image = Image(width: 16, height: 16, channels: 1)
    for i in 0..<16 { image[x: i, y: i, channel: 0] = 1 }
    let thin = try GradientEdgeDetector(sigma: 1).edges(in: image).nonMaximumSuppressed()
    for i in 3..<13 {
      #expect(thin[x: i, y: i] == 0)  // the line's centre has zero gradient
      #expect(thin[x: i + 3, y: i] == 0 && thin[x: i - 3, y: i] == 0)
    }
    #expect(thin.strength.contains { $0 > 0 })
  }
}
