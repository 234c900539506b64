import Imaging

extension SLIC: PeakMemoryEstimating {
  /// Peak memory of SLIC per image pixel, in bytes: the Lab image, the distance and label planes, the connectivity pass and the label map.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit segment --method slic` at 1 and 4 megapixels, on a
  /// resized photo and on a one-colour image; the larger slope, less the 12 bytes per pixel
  /// of the decoded image (the picture the command writes stays in, erring high), plus 25 %.
  public static let peakBytesPerPixel: Double = 85

  /// ``peakBytesPerPixel`` times the pixels.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: Self.peakBytesPerPixel, width: width, height: height)
  }
}
