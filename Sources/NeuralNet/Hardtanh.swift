/// Clamps every value to `[minimum, maximum]` (PyTorch's `nn.Hardtanh`, ONNX's `Clip`;
/// ReLU6 is `Hardtanh(minimum: 0, maximum: 6)`). The gradient passes where
/// `minimum < x < maximum` and is 0 elsewhere, as in PyTorch.
///
///     var relu6 = Hardtanh(minimum: 0, maximum: 6)
///     let y = relu6.forward(x)
public struct Hardtanh: Layer {
  /// The lower bound. Default: -1.
  public var minimum: Float
  /// The upper bound, at least `minimum`. Default: 1.
  public var maximum: Float
  private var savedInput: Tensor?

  /// Creates the layer.
  ///
  /// - Parameters:
  ///   - minimum: The lower bound (may be `-infinity`). Default: -1.
  ///   - maximum: The upper bound (may be `infinity`), at least `minimum`. Default: 1.
  public init(minimum: Float = -1, maximum: Float = 1) {
    precondition(minimum <= maximum, "Hardtanh: minimum \(minimum) above maximum \(maximum)")
    self.minimum = minimum
    self.maximum = maximum
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    savedInput = input
    var output = input
    let (low, high) = (minimum, maximum)
    output.data.withUnsafeMutableBufferPointer { y in
      for index in y.indices { y[index] = min(max(y[index], low), high) }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else {
      preconditionFailure("Hardtanh.backward called before forward")
    }
    precondition(
      gradientOutput.shape == input.shape,
      "Hardtanh.backward: gradient shape \(gradientOutput.shape)")
    var gradient = gradientOutput
    let (low, high) = (minimum, maximum)
    gradient.data.withUnsafeMutableBufferPointer { dx in
      input.data.withUnsafeBufferPointer { x in
        for index in dx.indices where !(x[index] > low && x[index] < high) { dx[index] = 0 }
      }
    }
    return gradient
  }
}
