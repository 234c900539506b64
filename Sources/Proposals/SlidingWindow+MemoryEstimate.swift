import Imaging

extension SlidingWindow: PeakMemoryEstimating {
  /// Bytes per window kept before ranking: the box, its score and its provenance text.
  static let bytesPerWindow = 160

  /// The windows of the grid (their count depends on the scales, ratios and stride, not on the
  /// pixels); a ``WindowScorer`` adds its own memory, which is not counted. Settings that
  /// ``proposals(for:)`` refuses estimate 0 (the refusal comes first).
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    let count = (try? windows(width: width, height: height).count) ?? 0
    let (windows, overflow) =
      count
      .multipliedReportingOverflow(by: Self.bytesPerWindow)
    return overflow ? Int.max : windows
  }
}
