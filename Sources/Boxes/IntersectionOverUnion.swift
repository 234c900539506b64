extension Box {
  /// The overlap of two boxes, or `nil` when they do not overlap with positive area.
  ///
  /// Boxes that only touch along an edge or a corner have no intersection.
  ///
  ///     Box(x1: 0, y1: 0, x2: 10, y2: 10).intersection(Box(x1: 5, y1: 5, x2: 20, y2: 20))
  ///     // [5.0, 5.0, 10.0, 10.0]
  ///
  /// - Parameter other: The other box.
  /// - Returns: The largest box inside both, or `nil` when its width or height is not positive
  ///   (including when a coordinate is NaN).
  /// - Complexity: O(1).
  public func intersection(_ other: Box) -> Box? {
    let overlap = Box(
      x1: Self.larger(x1, other.x1), y1: Self.larger(y1, other.y1),
      x2: Self.smaller(x2, other.x2), y2: Self.smaller(y2, other.y2))
    return overlap.isDegenerate ? nil : overlap
  }

  /// The area both boxes cover, in square pixels.
  ///
  /// The overlap's width and height are clamped at 0, so disjoint, edge-touching and inverted
  /// boxes give 0, as in torchvision's `box_iou`.
  ///
  /// - Parameter other: The other box.
  /// - Returns: `max(0, min(x2) - max(x1)) * max(0, min(y2) - max(y1))`.
  /// - Complexity: O(1).
  public func intersectionArea(_ other: Box) -> Float {
    let width = Self.positivePart(Self.smaller(x2, other.x2) - Self.larger(x1, other.x1))
    let height = Self.positivePart(Self.smaller(y2, other.y2) - Self.larger(y1, other.y1))
    return width * height
  }

  /// Intersection over union (the Jaccard index) of two boxes.
  ///
  /// Computed without forming the union region: `inter / (area + other.area - inter)` in
  /// `Float`, the same operations in the same order as torchvision's `box_iou` and its CPU
  /// `nms` kernel, so results agree bit for bit on finite input.
  ///
  ///     let a = Box(x1: 0, y1: 0, x2: 2, y2: 1), b = Box(x1: 0, y1: 0, x2: 1, y2: 1)
  ///     a.iou(b)  // 0.5
  ///
  /// Edge cases (torchvision-compatible): two zero-area boxes give `0 / 0 = NaN`; a zero-area
  /// box against a box with positive area gives 0; an inverted box (`x2 < x1` or `y2 < y1`)
  /// has no intersection, so it gives 0 (or NaN when the union happens to be 0). Any NaN
  /// coordinate gives NaN.
  ///
  /// - Parameter other: The other box.
  /// - Returns: A value in `[0, 1]` for boxes with positive area.
  /// - Complexity: O(1).
  ///
  /// Checked against `Fixtures/goldens/boxes.json` (torchvision `box_iou`).
  public func iou(_ other: Box) -> Float {
    let inter = intersectionArea(other)
    return inter / (area + other.area - inter)
  }

  /// Generalized intersection over union (Rezatofighi et al. 2019).
  ///
  /// `GIoU = IoU - (C - U) / C`, where `U` is the union area and `C` the area of the smallest
  /// box enclosing both. Unlike IoU it keeps decreasing as disjoint boxes move apart, down to
  /// -1. Same operations in the same order as torchvision's `generalized_box_iou`.
  ///
  ///     Box(x1: 0, y1: 0, x2: 1, y2: 1).generalizedIoU(Box(x1: 2, y1: 0, x2: 3, y2: 1))
  ///     // 0 - (3 - 2) / 3 = -0.333…
  ///
  /// Edge cases: two zero-area boxes give NaN (their IoU is `0 / 0`), as in torchvision.
  ///
  /// - Parameter other: The other box.
  /// - Returns: A value in `[-1, 1]` for boxes with positive area.
  /// - Complexity: O(1).
  ///
  /// Checked against `Fixtures/goldens/boxes.json` (torchvision `generalized_box_iou`).
  /// Reference: H. Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019.
  /// <https://doi.org/10.1109/CVPR.2019.00075>
  public func generalizedIoU(_ other: Box) -> Float {
    let inter = intersectionArea(other)
    let union = area + other.area - inter
    let enclosingWidth = Self.positivePart(
      Self.larger(x2, other.x2) - Self.smaller(x1, other.x1))
    let enclosingHeight = Self.positivePart(
      Self.larger(y2, other.y2) - Self.smaller(y1, other.y1))
    let enclosing = enclosingWidth * enclosingHeight
    return inter / union - (enclosing - union) / enclosing
  }

  /// `max(a, b)` that returns NaN when either is NaN (as `torch.max` does).
  @inline(__always)
  static func larger(_ a: Float, _ b: Float) -> Float {
    a.isNaN || b.isNaN ? .nan : (a > b ? a : b)
  }

  /// `min(a, b)` that returns NaN when either is NaN (as `torch.min` does).
  @inline(__always)
  static func smaller(_ a: Float, _ b: Float) -> Float {
    a.isNaN || b.isNaN ? .nan : (a < b ? a : b)
  }

  /// `a > b ? a : b`: the larger of two numbers, or `b` when either is NaN (SSE `maxss`).
  /// Only for kernels whose result is NaN anyway when a coordinate is NaN.
  @inline(__always)
  static func fastLarger(_ a: Float, _ b: Float) -> Float { a > b ? a : b }

  /// `a < b ? a : b`: the smaller of two numbers, or `b` when either is NaN (SSE `minss`).
  /// Only for kernels whose result is NaN anyway when a coordinate is NaN.
  @inline(__always)
  static func fastSmaller(_ a: Float, _ b: Float) -> Float { a < b ? a : b }

  /// `max(0, value)` that keeps NaN (as `Tensor.clamp(min: 0)` does).
  @inline(__always)
  static func positivePart(_ value: Float) -> Float {
    value < 0 ? 0 : value
  }
}
