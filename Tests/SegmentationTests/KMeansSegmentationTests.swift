import Imaging
import Testing

@testable import Segmentation

@Suite struct KMeansSegmentationTests {
  /// Four flat quadrants in three colours: the top-left and bottom-right share a colour.
  static func quadrants() -> Image {
    let colours: [[Float]] = [
      [0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.2, 0.2, 0.9], [0.9, 0.1, 0.1],
    ]
    var image = Image(width: 20, height: 16, channels: 3)
    for y in 0..<16 {
      for x in 0..<20 {
        let q = (y < 8 ? 0 : 2) + (x < 10 ? 0 : 1)
        for c in 0..<3 { image[x: x, y: y, channel: c] = colours[q][c] }
      }
    }
    return image
  }

  @Test func recoversFlatColoursAndSplitsDisconnectedClusters() throws {
    let image = Self.quadrants()
    let segmenter = KMeansSegmentation(clusters: 3, seed: 1)
    let assignment = segmenter.clusterAssignments(image)
    #expect(assignment[0] == assignment[19 + 15 * 20])  // same colour, same cluster
    #expect(Set(assignment).count == 3)
    let result = try segmenter.segment(image)
    // The two red quadrants touch only at the centre corner (diagonally), so they form one
    // 8-connected region: red, green, blue.
    #expect(result.labels.count == 3)
    #expect(result.regions.map(\.size).sorted() == [80, 80, 160])
  }

  @Test func spatialWeightSplitsAFlatImage() throws {
    let image = Image(width: 30, height: 30, channels: 3, repeating: 0.5)
    #expect(try KMeansSegmentation(clusters: 4).segment(image).labels.count == 1)
    let spatial = try KMeansSegmentation(clusters: 4, spatialWeight: 1, seed: 3).segment(image)
    #expect(spatial.labels.count == 4)
  }

  @Test(arguments: [UInt64(31), 32, 33])
  func invariantsAndDeterminism(seed: UInt64) throws {
    let image = randomImage(width: 24, height: 18, seed: seed)
    let segmenter = KMeansSegmentation(
      clusters: 5, spatialWeight: 0.3, seed: seed, maxIterations: 10)
    let result = try segmenter.segment(image)
    #expect(segmentationInvariantViolation(result, width: 24, height: 18) == nil)
    #expect(try segmenter.segment(image) == result)
  }

  @Test func rejectsBadParameters() {
    let image = Image(width: 4, height: 4, channels: 3)
    #expect(throws: SegmentationError.self) { try KMeansSegmentation(clusters: 0).segment(image) }
    #expect(throws: SegmentationError.self) {
      try KMeansSegmentation(spatialWeight: -1).segment(image)
    }
    #expect(throws: SegmentationError.self) {
      try KMeansSegmentation(maxIterations: 0).segment(image)
    }
    #expect(throws: SegmentationError.self) {
      try KMeansSegmentation().segment(Image(width: 2, height: 2, channels: 4))
    }
  }
}
