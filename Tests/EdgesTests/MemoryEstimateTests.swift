import Edges
import Imaging
import Testing

/// The edge detectors' peak-memory estimates grow in proportion to the pixels.
@Suite struct MemoryEstimateTests {
  static let detectors: [any PeakMemoryEstimating & Sendable] = [
    GradientEdgeDetector(), GradientEdgeDetector(operator: .scharr, thinned: true),
    CannyEdgeDetector(),
  ]

  @Test func estimatesArePositiveAndProportionalToThePixels() {
    for detector in Self.detectors {
      let small = detector.estimatedPeakMemory(width: 1000, height: 1000)
      let large = detector.estimatedPeakMemory(width: 2000, height: 2000)
      #expect(small > 1_000_000, "\(detector): \(small)")
      #expect(abs(large - 4 * small) <= 4, "\(detector): \(small) then \(large)")
      #expect(
        detector.estimatedPeakMemory(width: 999, height: 1000) <= small,
        "\(detector) is not monotone")
    }
  }
}
