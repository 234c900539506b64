import Imaging

extension SelectiveSearch: PeakMemoryEstimating {
  /// Peak memory of one search per pixel of the image it works on, in bytes, whatever the
  /// strategies: the segmentations, histograms and merge hierarchies of the colour spaces in
  /// flight at once.
  ///
  /// Measured: the search's own peak (`Benchmarks/PeakMemory`: `VmHWM` during the call less
  /// the resident memory before it) at 3 and 12 megapixels, on a resized photo and on a
  /// one-colour image, for the `single`, `fast` and `quality` presets on 1 and 2 threads; the
  /// largest, 76 bytes per pixel (quality, 2 threads, 3 MP), plus 25 %.
  public static let peakBytesPerPixel: Double = 95

  /// ``peakBytesPerPixel`` at the size the search works on (shrunk to ``maximumSide``), plus
  /// the shrunk copy of the image.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    let working = MemoryEstimate.shrunkSize(width: width, height: height, maxSide: maximumSide)
    let copy =
      working == (width, height)
      ? 0 : MemoryEstimate.bytes(perPixel: 12, width: working.width, height: working.height)
    return MemoryEstimate.sum(
      MemoryEstimate.bytes(
        perPixel: Self.peakBytesPerPixel, width: working.width, height: working.height), copy)
  }
}
