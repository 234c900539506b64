import Imaging

extension EdgeBoxes: PeakMemoryEstimating {
  /// Peak memory of EdgeBoxes per image pixel, in bytes: the grey copy, the thinned edge map,
  /// the edge groups and the scorer's integral images.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit propose --method edge-boxes
  /// --jobs 1` at 1 and 4 megapixels, on a resized photo and on a one-colour image; the
  /// larger slope, less the 12 bytes per pixel of the decoded image, plus 25 %.
  public static let peakBytesPerPixel: Double = 90

  /// ``peakBytesPerPixel`` times the pixels.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: Self.peakBytesPerPixel, width: width, height: height)
  }
}
