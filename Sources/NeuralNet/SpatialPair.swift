/// Sizes along the two spatial axes (height, width): a kernel size, a stride or a dilation.
///
///     let stride = SpatialPair(height: 2, width: 1)   // every other row, every column
///     let kernel = SpatialPair(3)                     // 3 x 3
///
/// Matches PyTorch's `(h, w)` tuples and ONNX's two-element `kernel_shape`, `strides` and
/// `dilations` attributes, height first.
public struct SpatialPair: Sendable, Hashable {
  /// The size along the rows (the H axis of NCHW).
  public var height: Int
  /// The size along the columns (the W axis of NCHW).
  public var width: Int

  /// Creates a pair from its two sizes.
  ///
  /// - Parameters:
  ///   - height: the size along the rows.
  ///   - width: the size along the columns.
  public init(height: Int, width: Int) {
    self.height = height
    self.width = width
  }

  /// Creates a pair with the same size on both axes.
  ///
  /// - Parameter both: the size along the rows and along the columns.
  public init(_ both: Int) {
    self.init(height: both, width: both)
  }
}

extension SpatialPair: CustomStringConvertible {
  /// `"3"` when both sizes agree, `"3x5"` (height x width) otherwise.
  public var description: String { height == width ? "\(height)" : "\(height)x\(width)" }
}
