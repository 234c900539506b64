import Dispatch
import Imaging
import Testing

@testable import Segmentation

/// ``FelzenszwalbGraph``: the edges of a graph packed in bands against those of the whole
/// image blurred and packed in one piece, for any band count and packing order.
@Suite struct FelzenszwalbGraphTests {
  /// The sorted edges of the whole image, from one blur and one pack (no bands).
  static func wholeImageEdges(_ image: Image, _ parameters: FelzenszwalbSegmentation) -> [UInt64] {
    var normalized = image.normalizedChannels(
      in: parameters.colorSpace, weights: parameters.channelWeights)
    if parameters.quantizesToEightBits { normalized.roundToEightBits() }
    let blurred = normalized.gaussianBlurred(sigma: parameters.sigma, border: .reflect)
    let packed = blurred.pixels.withUnsafeBufferPointer {
      GridGraph.pack(
        samples: $0, width: image.width, height: image.height, channels: blurred.channels,
        connectivity: parameters.connectivity)
    }
    return Array(GridGraph(sorting: packed).sortedEdges)
  }

  static func bandedEdges(
    _ image: Image, _ parameters: FelzenszwalbSegmentation, bands: Int, reversed: Bool = false
  ) throws -> FelzenszwalbGraph.Sorted {
    let graph = try FelzenszwalbGraph(image: image, parameters: parameters, bands: bands)
    for band in reversed ? Array((0..<bands).reversed()) : Array(0..<bands) {
      graph.pack(band: band)
    }
    return graph.sorted()
  }

  static let shapes = [(37, 29), (64, 48), (1, 1), (1, 9), (9, 1), (2, 3), (40, 2)]

  @Test(arguments: [1, 2, 3, 7])
  func bandsGiveTheWholeImagesEdges(bands: Int) throws {
    let settings = [
      FelzenszwalbSegmentation(sigma: 0.8, colorSpace: .hsv),
      FelzenszwalbSegmentation(sigma: 2.5, colorSpace: .lab, channelWeights: [1, 0.5, 2]),
      FelzenszwalbSegmentation(sigma: 0, colorSpace: .rgb, connectivity: .four),
      FelzenszwalbSegmentation(sigma: 1, colorSpace: .intensity),
      FelzenszwalbSegmentation(
        sigma: 0.8, colorSpace: .hsv, channelWeights: [180 / 255, 1, 1], connectivity: .four,
        quantizesToEightBits: true),
    ]
    for (index, (width, height)) in Self.shapes.enumerated() {
      let image = randomImage(width: width, height: height, seed: UInt64(index))
      for parameters in settings {
        let expected = Self.wholeImageEdges(image, parameters)
        for reversed in [false, true] {
          let sorted = try Self.bandedEdges(image, parameters, bands: bands, reversed: reversed)
          #expect(
            Array(sorted.graph.sortedEdges) == expected,
            "\(width)x\(height), \(parameters), \(bands) bands, reversed \(reversed)")
        }
      }
    }
  }

  @Test func bandsPackedOnSeveralThreadsSegmentLikeOnePass() throws {
    let image = randomImage(width: 80, height: 61, seed: 9, blobs: 6)
    let parameters = FelzenszwalbSegmentation(threshold: 150, sigma: 0.8, colorSpace: .hsv)
    let graph = try FelzenszwalbGraph(image: image, parameters: parameters, bands: 4)
    DispatchQueue.concurrentPerform(iterations: 4) { graph.pack(band: $0) }
    let sorted = graph.sorted()
    for threshold in [50, 300] as [Float] {
      var segmenter = parameters
      segmenter.threshold = threshold
      #expect(sorted.segment(with: segmenter) == (try segmenter.segment(image)))
    }
  }

  @Test func edgeCountsOfBandsAddUpToTheWholeGraph() {
    for (width, height) in Self.shapes {
      for diagonals in [true, false] {
        let whole = GridGraph.edgeCount(
          width: width, height: height, rows: 0..<height, diagonals: diagonals)
        let expected =
          (width - 1) * height + width * (height - 1)
          + (diagonals ? 2 * (width - 1) * (height - 1) : 0)
        #expect(whole == expected)
        let cut = height / 3
        #expect(
          GridGraph.edgeCount(width: width, height: height, rows: 0..<cut, diagonals: diagonals)
            + GridGraph.edgeCount(
              width: width, height: height, rows: cut..<height, diagonals: diagonals) == whole)
      }
    }
  }

  @Test func invalidParametersThrowBeforeAnyWork() {
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbGraph(
        image: Image(width: 4, height: 4, channels: 3),
        parameters: FelzenszwalbSegmentation(sigma: -1), bands: 2)
    }
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbGraph(
        image: Image(width: 4, height: 4, channels: 2), parameters: FelzenszwalbSegmentation(),
        bands: 2)
    }
  }
}
