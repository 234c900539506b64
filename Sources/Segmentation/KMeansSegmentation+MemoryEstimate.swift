import Imaging

extension KMeansSegmentation: PeakMemoryEstimating {
  /// Peak memory of k-means segmentation per image pixel, in bytes: the feature vectors, the cluster assignment, the connected components and the label map.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit segment --method kmeans` at 1 and 4 megapixels, on a
  /// resized photo and on a one-colour image; the larger slope, less the 12 bytes per pixel
  /// of the decoded image (the picture the command writes stays in, erring high), plus 25 %.
  public static let peakBytesPerPixel: Double = 104

  /// ``peakBytesPerPixel`` times the pixels.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: Self.peakBytesPerPixel, width: width, height: height)
  }
}
