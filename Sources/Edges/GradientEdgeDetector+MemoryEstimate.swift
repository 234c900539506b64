import Imaging

extension GradientEdgeDetector: PeakMemoryEstimating {
  /// Peak memory of the gradient edge detector per image pixel, in bytes: the blurred channels, the gradients, the strength and orientation planes and, thinned, the suppressed copy.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit edges --method sobel --thin` at 1 and 4 megapixels, on a
  /// resized photo and on a one-colour image; the larger slope, less the 12 bytes per pixel
  /// of the decoded image (the picture the command writes stays in, erring high), plus 25 %.
  public static let peakBytesPerPixel: Double = 45

  /// ``peakBytesPerPixel`` times the pixels.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: Self.peakBytesPerPixel, width: width, height: height)
  }
}
