/// Per-pixel edge strength in `[0, 1]` with the direction of the gradient behind it.
///
/// Layout follows ``/Imaging/Image``: row-major, `strength[y * width + x]`. Strength is the
/// gradient magnitude divided by the operator's response to a full-contrast step (4 for
/// Sobel, 16 for Scharr) and clamped to 1, so a sharp black-to-white straight edge scores 1
/// and thresholds read as contrast. Thinned and Canny maps keep the orientation of the
/// pixels they keep.
///
///     let map = try GradientEdgeDetector().edges(in: image)
///     let strong = map.strength.filter { $0 > 0.2 }.count
///     let picture = Image(map)                 // one channel, for PNG output
public struct EdgeMap: Sendable, Equatable {
  /// Number of columns, at least 1.
  public let width: Int
  /// Number of rows, at least 1.
  public let height: Int
  /// `width * height` strengths in `[0, 1]`, row-major.
  public var strength: [Float]
  /// `width * height` gradient directions `atan2(dy, dx)` in radians in `[-π, π]`, with y
  /// pointing down; the edge runs perpendicular to it. `0` where the gradient is zero.
  public var orientation: [Float]

  /// Creates an edge map from its samples.
  ///
  /// - Precondition: `width, height >= 1` and both arrays hold `width * height` values
  ///   (programmer error otherwise).
  public init(width: Int, height: Int, strength: [Float], orientation: [Float]) {
    precondition(width >= 1 && height >= 1, "EdgeMap: empty size \(width)x\(height)")
    precondition(
      strength.count == width * height && orientation.count == width * height,
      "EdgeMap: \(strength.count) strengths, \(orientation.count) orientations for \(width)x\(height)"
    )
    self.width = width
    self.height = height
    self.strength = strength
    self.orientation = orientation
  }

  /// The strength at column `x`, row `y`.
  @inlinable
  public subscript(x x: Int, y y: Int) -> Float {
    strength[y * width + x]
  }
}
