import Imaging

extension SelectiveSearch: PeakMemoryEstimating {
  /// Peak memory of one search per pixel of the image it works on, in bytes, whatever the
  /// strategies: the segmentations, histograms and merge hierarchies of the colour spaces in
  /// flight at once.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit propose --method
  /// selective-search --jobs 1` (two threads) at 1 and 4 megapixels, on a resized photo and
  /// on a one-colour image, for the `single`, `fast` and `quality` presets; the largest
  /// slope, less the 12 bytes per pixel of the decoded image, plus 25 %.
  public static let peakBytesPerPixel: Double = 191

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
