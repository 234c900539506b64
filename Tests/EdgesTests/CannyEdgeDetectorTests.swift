import Imaging
import Testing

@testable import Edges

@Suite struct CannyEdgeDetectorTests {
  @Test func squareGivesAClosedThinContour() throws {
    var image = Image(width: 40, height: 40, channels: 3)
    for y in 10..<30 { for x in 10..<30 { for c in 0..<3 { image[x: x, y: y, channel: c] = 0.8 } } }
    let edges = try CannyEdgeDetector().edges(in: image)
    #expect(edges.strength.allSatisfy { $0 == 0 || $0 == 1 })
    var onContour = 0
    for y in 0..<40 {
      for x in 0..<40 where edges[x: x, y: y] == 1 {
        // Every edge pixel lies on the square's boundary band (rows/columns 9 and 10 or 29 and 30).
        let nearX = (9...10).contains(x) || (29...30).contains(x)
        let nearY = (9...10).contains(y) || (29...30).contains(y)
        #expect(nearX || nearY, "(\(x), \(y))")
        onContour += 1
      }
    }
    #expect(onContour >= 4 * 18)
    // Each side is found along its whole length.
    for t in 12..<28 {
      #expect((9...10).contains { edges[x: $0, y: t] == 1 })
      #expect((29...30).contains { edges[x: t, y: $0] == 1 })
    }
  }

  @Test func hysteresisKeepsConnectedFaintPixelsOnly() {
    let map = EdgeMap(
      width: 6, height: 1, strength: [0.3, 0.15, 0.15, 0, 0.15, 0.05],
      orientation: [Float](repeating: 0.5, count: 6))
    let edges = map.hysteresis(low: 0.1, high: 0.2)
    #expect(edges.strength == [1, 1, 1, 0, 0, 0])
    #expect(edges.orientation == [0.5, 0.5, 0.5, 0, 0, 0])
  }

  @Test func lowContrastIsIgnored() throws {
    var image = Image(width: 20, height: 20, channels: 1)
    for y in 0..<20 { for x in 10..<20 { image[x: x, y: y, channel: 0] = 0.05 } }
    #expect(try CannyEdgeDetector().edges(in: image).strength.allSatisfy { $0 == 0 })
  }

  @Test func rejectsBadThresholds() {
    let image = Image(width: 4, height: 4, channels: 1)
    #expect(throws: EdgesError.self) {
      try CannyEdgeDetector(lowThreshold: 0.3, highThreshold: 0.2).edges(in: image)
    }
    #expect(throws: EdgesError.self) { try CannyEdgeDetector(lowThreshold: -0.1).edges(in: image) }
    #expect(throws: EdgesError.self) { try CannyEdgeDetector(highThreshold: 1.5).edges(in: image) }
    #expect(throws: EdgesError.self) { try CannyEdgeDetector(sigma: .infinity).edges(in: image) }
  }
}
