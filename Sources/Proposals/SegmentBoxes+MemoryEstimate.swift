import Imaging
import Segmentation

extension SegmentBoxes: PeakMemoryEstimating {
  /// The largest estimate of the segmenters: they run one after another, and what is kept
  /// between them (regions, adjacent pairs, boxes) is small.
  ///
  /// Measured: peak resident memory (`VmHWM`) of `regionkit propose --method segments
  /// --jobs 1` (the default segmenters) between 1 and 4 megapixels rose by 93 bytes per pixel
  /// on a resized photo and 77 on a one-colour image, 12 of them the decoded image: below the
  /// k-means estimate of 104 bytes per pixel this returns for the default segmenters.
  public func estimatedPeakMemory(width: Int, height: Int) -> Int {
    segmenters.map { segmenter -> Int in
      switch segmenter {
      case .felzenszwalb(let threshold):
        FelzenszwalbSegmentation(threshold: threshold).estimatedPeakMemory(
          width: width, height: height)
      case .kMeans(let clusters):
        KMeansSegmentation(clusters: clusters).estimatedPeakMemory(width: width, height: height)
      case .slic(let segments):
        SLIC(segments: segments).estimatedPeakMemory(width: width, height: height)
      }
    }.max() ?? 0
  }
}
