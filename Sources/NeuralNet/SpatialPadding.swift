/// The implicit border on each side of a plane, in pixels: zeros for convolution and
/// average pooling, `-inf` for max pooling.
///
///     let same = SpatialPadding(1)                                      // 1 on every side
///     let onnx = SpatialPadding(top: 0, left: 0, bottom: 1, right: 1)   // TensorFlow-style "SAME"
///
/// PyTorch layers pad both sides of an axis alike (``init(height:width:)``); an asymmetric
/// padding is PyTorch's `F.pad(x, (left, right, top, bottom))` followed by an unpadded layer,
/// and ONNX's `pads = [top, left, bottom, right]`.
public struct SpatialPadding: Sendable, Hashable {
  /// Rows added above the plane.
  public var top: Int
  /// Columns added left of the plane.
  public var left: Int
  /// Rows added below the plane.
  public var bottom: Int
  /// Columns added right of the plane.
  public var right: Int

  /// Creates a padding from its four sides, in ONNX's `pads` order.
  ///
  /// - Parameters:
  ///   - top: rows above.
  ///   - left: columns on the left.
  ///   - bottom: rows below.
  ///   - right: columns on the right.
  public init(top: Int, left: Int, bottom: Int, right: Int) {
    self.top = top
    self.left = left
    self.bottom = bottom
    self.right = right
  }

  /// Creates the same padding on all four sides.
  ///
  /// - Parameter all: the border width on every side.
  public init(_ all: Int) {
    self.init(top: all, left: all, bottom: all, right: all)
  }

  /// Creates a padding that is symmetric on each axis, like PyTorch's `padding=(h, w)`.
  ///
  /// - Parameters:
  ///   - height: rows above and rows below.
  ///   - width: columns on the left and columns on the right.
  public init(height: Int, width: Int) {
    self.init(top: height, left: width, bottom: height, right: width)
  }

  /// Whether every side is at least zero.
  var isNonNegative: Bool { min(top, left, bottom, right) >= 0 }
}

extension SpatialPadding: CustomStringConvertible {
  /// `"1"` when all sides agree, otherwise `"top 0, left 0, bottom 1, right 1"`.
  public var description: String {
    if top == left && left == bottom && bottom == right { return "\(top)" }
    return "top \(top), left \(left), bottom \(bottom), right \(right)"
  }
}
