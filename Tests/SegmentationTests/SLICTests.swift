import Boxes
import Imaging
import Testing

@testable import Segmentation

@Suite struct SLICTests {
  @Test func flatTilesAreRecoveredExactly() throws {
    // A 4x3 grid of 10x10 tiles in distinct colours, asked for 12 segments.
    var image = Image(width: 40, height: 30, channels: 3)
    for y in 0..<30 {
      for x in 0..<40 {
        let tile = (y / 10) * 4 + x / 10
        image[x: x, y: y, channel: 0] = Float(tile % 4) / 3
        image[x: x, y: y, channel: 1] = Float(tile / 4) / 2
        image[x: x, y: y, channel: 2] = Float(tile % 2)
      }
    }
    let result = try SLIC(segments: 12, compactness: 1).segment(image)
    #expect(result.labels.count == 12)
    for y in 0..<30 {
      for x in 0..<40 {
        #expect(result.labels[x: x, y: y] == (y / 10) * 4 + x / 10, "(\(x), \(y))")
      }
    }
  }

  @Test func flatImageGivesAboutTheRequestedGrid() throws {
    let image = Image(width: 60, height: 40, channels: 3, repeating: 0.4)
    let result = try SLIC(segments: 24).segment(image)
    // 24 cells of 10x10 pixels: a 6x4 grid of square superpixels.
    #expect(result.labels.count == 24)
    #expect(result.regions.allSatisfy { $0.size == 100 })
  }

  @Test(arguments: [UInt64(41), 42, 43, 44])
  func connectedInvariantsOnRandomImages(seed: UInt64) throws {
    var generator = SplitMix64(seed: seed)
    let width = Int.random(in: 1...40, using: &generator),
      height = Int.random(in: 1...30, using: &generator)
    let image = randomImage(width: width, height: height, seed: seed, noise: 0.3)
    let result = try SLIC(segments: Int.random(in: 1...30, using: &generator), compactness: 5)
      .segment(image)
    #expect(segmentationInvariantViolation(result, width: width, height: height) == nil)
    // Every superpixel is 4-connected: a flood fill from its first pixel reaches all of it.
    let map = result.labels
    var reached = [Bool](repeating: false, count: width * height)
    var firstSeen = Set<Int>()
    for start in 0..<(width * height) where firstSeen.insert(Int(map.labels[start])).inserted {
      var stack = [start]
      reached[start] = true
      while let p = stack.popLast() {
        let x = p % width, y = p / width
        for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
        where nx >= 0 && ny >= 0 && nx < width && ny < height {
          let q = ny * width + nx
          if !reached[q] && map.labels[q] == map.labels[p] {
            reached[q] = true
            stack.append(q)
          }
        }
      }
    }
    #expect(reached.allSatisfy { $0 }, "a superpixel is not 4-connected")
  }

  @Test func withoutConnectivityLabelsAreStillDense() throws {
    let image = randomImage(width: 30, height: 20, seed: 5, noise: 0.5)
    let result = try SLIC(segments: 10, compactness: 0.5, enforceConnectivity: false).segment(image)
    #expect(segmentationInvariantViolation(result, width: 30, height: 20) == nil)
  }

  @Test func rejectsBadParameters() {
    let image = Image(width: 4, height: 4, channels: 3)
    #expect(throws: SegmentationError.self) { try SLIC(segments: 0).segment(image) }
    #expect(throws: SegmentationError.self) { try SLIC(compactness: 0).segment(image) }
    #expect(throws: SegmentationError.self) { try SLIC(sigma: -1).segment(image) }
    #expect(throws: SegmentationError.self) { try SLIC(iterations: 0).segment(image) }
    #expect(throws: SegmentationError.self) {
      try SLIC().segment(Image(width: 4, height: 4, channels: 2))
    }
  }
}
