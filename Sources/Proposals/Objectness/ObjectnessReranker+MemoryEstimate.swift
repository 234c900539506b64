import Imaging

extension ObjectnessReranker: PeakMemoryEstimating {
  /// Bytes per pixel of the working image of the cues: the working copy and its HSV bins,
  /// the Sobel strengths, the 16 integral images and the SLIC superpixels.
  ///
  /// Counted from the arrays ``ObjectnessFeatures`` allocates (about 150 bytes per working
  /// pixel) plus 25 %; the working image is small (``ObjectnessFeatures/Settings/workingSide``,
  /// 320 pixels by default), so this is a few tens of megabytes at most.
  static let cueBytesPerPixel: Double = 190

  /// The base generator's estimate, and the cues' at their working size, whichever is larger
  /// (the base generator's memory is freed before the cues are computed), plus a copy of the
  /// image when it is grey.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    let working = MemoryEstimate.shrunkSize(
      width: width, height: height, maxSide: model.cues.workingSide)
    let cues = MemoryEstimate.bytes(
      perPixel: Self.cueBytesPerPixel, width: working.width, height: working.height)
    return max(base.estimatedPeakMemory(width: width, height: height), cues)
  }
}
