import Edges
import Imaging
import RegionKitTestSupport
import Testing

/// The edge detectors' peak-memory estimates grow in proportion to the pixels.
@Suite struct MemoryEstimateTests {
  static let detectors: [any PeakMemoryEstimating & Sendable] = [
    GradientEdgeDetector(), GradientEdgeDetector(operator: .scharr, thinned: true),
    CannyEdgeDetector(),
  ]

  @Test func estimatesArePositiveAndProportionalToThePixels() {
    expectEstimatesProportionalToPixels(Self.detectors)
  }
}
