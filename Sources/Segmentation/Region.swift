import Boxes

/// Statistics of one segment of a ``LabelMap``, as selective search consumes them.
///
/// Regions are stored in label order: `regions[l]` describes the pixels labelled `l`.
///
///     let result = try FelzenszwalbSegmentation().segment(image)
///     for (label, region) in result.regions.enumerated() where region.size > 100 {
///       print(label, region.bounds, region.neighbours)
///     }
public struct Region: Sendable, Equatable {
  /// Number of pixels, at least 1.
  public var size: Int
  /// The tightest pixel-edge box around the region's pixels: a region whose pixels span
  /// columns `xmin...xmax` and rows `ymin...ymax` has
  /// `Box(x1: xmin, y1: ymin, x2: xmax + 1, y2: ymax + 1)`.
  public var bounds: Box
  /// Labels of the regions that touch this one through an 8-neighbourhood (a horizontal,
  /// vertical or diagonal pixel step), sorted ascending, without duplicates or itself.
  /// The relation is symmetric.
  public var neighbours: [Int]

  /// Creates region statistics.
  public init(size: Int, bounds: Box, neighbours: [Int]) {
    self.size = size
    self.bounds = bounds
    self.neighbours = neighbours
  }
}
