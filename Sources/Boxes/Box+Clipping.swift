extension Box {
  /// The box with its corners clamped to an image of the given size.
  ///
  /// x coordinates are clamped to `[0, width]` and y coordinates to `[0, height]`, as
  /// torchvision's `clip_boxes_to_image` does. A box partly outside the image keeps its inside
  /// part; a box wholly outside collapses to a zero-area box on the image border (check
  /// ``isDegenerate`` afterwards to drop it). An inverted box stays inverted or collapses, and a
  /// NaN coordinate stays NaN.
  ///
  ///     Box(x1: -5, y1: 10, x2: 700, y2: 20).clipped(width: 640, height: 480)
  ///     // [0.0, 10.0, 640.0, 20.0]
  ///
  /// - Parameters:
  ///   - width: Image width, in pixels; the right edge of the image is at `x = width`.
  ///   - height: Image height, in pixels; the bottom edge of the image is at `y = height`.
  /// - Returns: The clamped box.
  /// - Complexity: O(1).
  ///
  /// Reference: torchvision `ops.clip_boxes_to_image`.
  public func clipped(width: Float, height: Float) -> Box {
    Box(
      x1: Self.clamp(x1, upperBound: width), y1: Self.clamp(y1, upperBound: height),
      x2: Self.clamp(x2, upperBound: width), y2: Self.clamp(y2, upperBound: height))
  }

  /// `value` clamped to `[0, upperBound]`, NaN kept (both comparisons are false for NaN).
  private static func clamp(_ value: Float, upperBound: Float) -> Float {
    value < 0 ? 0 : (value > upperBound ? upperBound : value)
  }
}
