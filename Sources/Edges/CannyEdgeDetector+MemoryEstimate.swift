import Imaging

extension CannyEdgeDetector: PeakMemoryEstimating {
  /// Peak memory of the Canny detector per image pixel, in bytes: the blurred grey image, the gradients, the suppressed strengths and the hysteresis queue.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit edges --method canny` at 1 and 4 megapixels, on a
  /// resized photo and on a one-colour image; the larger slope, less the 12 bytes per pixel
  /// of the decoded image (the picture the command writes stays in, erring high), plus 25 %.
  public static let peakBytesPerPixel: Double = 60

  /// ``peakBytesPerPixel`` times the pixels.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: Self.peakBytesPerPixel, width: width, height: height)
  }
}
