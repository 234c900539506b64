import Imaging
import Testing

/// Expects each method's peak-memory estimate to be per pixel: over 1 MB at 1 megapixel, four
/// times that (within rounding) at four times the pixels, no larger for a narrower image, and
/// 0 for no pixels.
public func expectEstimatesProportionalToPixels(
  _ methods: [any PeakMemoryEstimating], sourceLocation: SourceLocation = #_sourceLocation
) {
  for method in methods {
    let small = method.estimatedPeakMemory(width: 1000, height: 1000)
    let large = method.estimatedPeakMemory(width: 2000, height: 2000)
    #expect(small > 1_000_000, "\(method): \(small) bytes for 1 MP", sourceLocation: sourceLocation)
    #expect(
      abs(large - 4 * small) <= 4, "\(method): \(small) then \(large)",
      sourceLocation: sourceLocation)
    #expect(
      method.estimatedPeakMemory(width: 999, height: 1000) <= small, "\(method) is not monotone",
      sourceLocation: sourceLocation)
    #expect(
      method.estimatedPeakMemory(width: 0, height: 0) == 0, "\(method) without pixels",
      sourceLocation: sourceLocation)
  }
}
