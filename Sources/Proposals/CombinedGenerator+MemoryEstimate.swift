import Imaging

extension CombinedGenerator: PeakMemoryEstimating {
  /// The largest estimate of the combined generators: they run one after another, and only
  /// their proposal lists are kept in between.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    generators.map { $0.estimatedPeakMemory(width: width, height: height) }.max() ?? 0
  }
}
