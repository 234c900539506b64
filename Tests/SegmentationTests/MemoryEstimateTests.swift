import Imaging
import Segmentation
import Testing

/// The segmenters' peak-memory estimates grow in proportion to the pixels.
@Suite struct MemoryEstimateTests {
  static let segmenters: [any PeakMemoryEstimating & Sendable] = [
    FelzenszwalbSegmentation(), KMeansSegmentation(clusters: 8), SLIC(segments: 100),
  ]

  @Test func estimatesArePositiveAndProportionalToThePixels() {
    for segmenter in Self.segmenters {
      let small = segmenter.estimatedPeakMemory(width: 1000, height: 1000)
      let large = segmenter.estimatedPeakMemory(width: 2000, height: 2000)
      #expect(small > 1_000_000, "\(segmenter): \(small)")
      #expect(abs(large - 4 * small) <= 4, "\(segmenter): \(small) then \(large)")
      #expect(
        segmenter.estimatedPeakMemory(width: 999, height: 1000) <= small,
        "\(segmenter) is not monotone")
    }
  }
}
