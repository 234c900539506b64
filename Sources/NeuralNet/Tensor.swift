/// A dense Float32 tensor in row-major order (NCHW for images).
public struct Tensor: Sendable, Equatable {
  /// The size of each dimension, outermost first.
  public let shape: [Int]
  /// `shape.reduce(1, *)` values, row-major.
  public var data: [Float]

  /// Creates a tensor from its shape and values.
  ///
  /// - Precondition: `data.count` equals the product of `shape`.
  public init(shape: [Int], data: [Float]) {
    precondition(data.count == shape.reduce(1, *), "Tensor: \(data.count) values for shape \(shape)")
    self.shape = shape
    self.data = data
  }
}
