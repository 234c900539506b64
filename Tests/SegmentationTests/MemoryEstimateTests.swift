import Imaging
import RegionKitTestSupport
import Segmentation
import Testing

/// The segmenters' peak-memory estimates grow in proportion to the pixels.
@Suite struct MemoryEstimateTests {
  static let segmenters: [any PeakMemoryEstimating & Sendable] = [
    FelzenszwalbSegmentation(), KMeansSegmentation(clusters: 8), SLIC(segments: 100),
  ]

  @Test func estimatesArePositiveAndProportionalToThePixels() {
    expectEstimatesProportionalToPixels(Self.segmenters)
  }
}
