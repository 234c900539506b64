import Imaging

extension FilteredGenerator: PeakMemoryEstimating {
  /// The base generator's estimate: filtering holds nothing per pixel.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    base.estimatedPeakMemory(width: width, height: height)
  }
}
