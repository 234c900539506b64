/// A dense Float32 tensor in row-major order (NCHW for images).
///
/// Storage is a Swift `Array`, so copies share memory until one of them is written
/// (copy-on-write) and a tensor is always contiguous. Layers read and write `data` through
/// unsafe buffers in their kernels; the shape is the only metadata.
///
///     var x = Tensor(zeros: [2, 3, 16, 16])   // N, C, H, W
///     x[0, 1, 4, 4] = 1
///     let y = x.reshaped([2, 768])            // shares storage until written
///
/// - Complexity: creating or reshaping is O(count); copying is O(1) until a write.
public struct Tensor: Sendable, Equatable {
  /// The size of each dimension, outermost first.
  public private(set) var shape: [Int]
  /// `shape.reduce(1, *)` values, row-major.
  public var data: [Float]

  /// Creates a tensor from its shape and values.
  ///
  /// - Parameters:
  ///   - shape: the size of each dimension, outermost first (NCHW for images).
  ///   - data: `shape.reduce(1, *)` values in row-major order.
  /// - Precondition: `data.count` equals the product of `shape`.
  public init(shape: [Int], data: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
    precondition(
      data.count == shape.reduce(1, *), "Tensor: \(data.count) values for shape \(shape)")
    self.shape = shape
    self.data = data
  }

  /// Creates a tensor of the given shape filled with `value`.
  ///
  /// - Parameters:
  ///   - shape: the size of each dimension.
  ///   - value: the fill value. Default: 0.
  public init(shape: [Int], repeating value: Float = 0) {
    self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
  }

  /// Creates a tensor of zeros.
  ///
  /// - Parameter shape: the size of each dimension.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, repeating: 0)
  }

  /// The number of values (`shape.reduce(1, *)`).
  public var count: Int { data.count }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// Row-major strides, in elements.
  public var strides: [Int] {
    var result = [Int](repeating: 1, count: shape.count)
    var stride = 1
    for axis in shape.indices.reversed() {
      result[axis] = stride
      stride *= shape[axis]
    }
    return result
  }

  /// The flat offset of a multi-dimensional index.
  ///
  /// - Precondition: one in-range index per dimension.
  public func offset(_ index: [Int]) -> Int {
    precondition(index.count == shape.count, "Tensor: index \(index) for shape \(shape)")
    var flat = 0
    for axis in shape.indices {
      precondition(
        index[axis] >= 0 && index[axis] < shape[axis], "Tensor: index \(index) out of \(shape)")
      flat = flat * shape[axis] + index[axis]
    }
    return flat
  }

  /// The value at a multi-dimensional index, e.g. `x[n, c, h, w]`.
  public subscript(_ index: Int...) -> Float {
    get { data[offset(index)] }
    set { data[offset(index)] = newValue }
  }

  /// The same values under another shape with the same element count.
  ///
  /// - Parameter newShape: the new dimensions; their product must equal ``count``.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, data: data)
  }

  /// Element-wise sum; shapes must match.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    precondition(lhs.shape == rhs.shape, "Tensor +: shapes \(lhs.shape) and \(rhs.shape)")
    var result = lhs
    result.data.withUnsafeMutableBufferPointer { out in
      rhs.data.withUnsafeBufferPointer { other in
        for index in out.indices { out[index] += other[index] }
      }
    }
    return result
  }

  /// Multiplies every value by `scale`.
  public static func * (lhs: Tensor, scale: Float) -> Tensor {
    var result = lhs
    result.data.withUnsafeMutableBufferPointer { out in
      for index in out.indices { out[index] *= scale }
    }
    return result
  }

  /// Adds `other` to `self` in place; shapes must match.
  public mutating func add(_ other: Tensor) {
    precondition(shape == other.shape, "Tensor.add: shapes \(shape) and \(other.shape)")
    data.withUnsafeMutableBufferPointer { out in
      other.data.withUnsafeBufferPointer { source in
        for index in out.indices { out[index] += source[index] }
      }
    }
  }

  /// Sets every value to zero, keeping the shape.
  public mutating func zero() {
    data.withUnsafeMutableBufferPointer { out in
      for index in out.indices { out[index] = 0 }
    }
  }
}
