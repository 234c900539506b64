import Imaging

extension FelzenszwalbSegmentation: PeakMemoryEstimating {
  /// Peak memory of Felzenszwalb–Huttenlocher segmentation per image pixel, in bytes: the blurred colour channels, the pixel graph (edges and weights), its sort, the disjoint set and the label map.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit segment --method fh` at 1 and 4 megapixels, on a
  /// resized photo and on a one-colour image; the larger slope, less the 12 bytes per pixel
  /// of the decoded image (the picture the command writes stays in, erring high), plus 25 %.
  public static let peakBytesPerPixel: Double = 98

  /// ``peakBytesPerPixel`` times the pixels.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: Self.peakBytesPerPixel, width: width, height: height)
  }
}
