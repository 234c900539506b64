/// What every segmentation algorithm of this module returns: the label map and the
/// statistics of each labelled region.
///
/// `regions[l]` describes label `l`, so `regions.count == labels.count`. Selective search
/// starts from these statistics directly.
///
///     let result = try FelzenszwalbSegmentation(threshold: 300).segment(image)
///     print(result.labels.count, result.regions[0].bounds)
public struct SegmentationResult: Sendable, Equatable {
  /// One label per pixel, dense from 0 in raster order of first appearance.
  public var labels: LabelMap
  /// Statistics of each label, indexed by label.
  public var regions: [Region]

  /// Pairs a label map with its region statistics, computing them with
  /// ``LabelMap/regions()``.
  public init(labels: LabelMap) {
    self.labels = labels
    self.regions = labels.regions()
  }
}
