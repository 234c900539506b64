/// The rectifier `max(x, 0)`; its gradient is 0 where `x <= 0` (PyTorch's convention).
///
///     var relu = ReLU()
///     let y = relu.forward(x)
///
/// Checked against PyTorch `F.relu` (goldens `nn_layers.json`), including `x == 0` and `-0`.
public struct ReLU: Layer {
  private var savedInput: Tensor?

  /// Creates the layer (it has no parameters).
  public init() {}

  public mutating func forward(_ input: Tensor) -> Tensor {
    savedInput = input
    var output = input
    output.data.withUnsafeMutableBufferPointer { y in
      for index in y.indices where !(y[index] > 0) && !(y[index] == 0) { y[index] = 0 }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else { preconditionFailure("ReLU.backward called before forward") }
    var gradient = gradientOutput
    gradient.data.withUnsafeMutableBufferPointer { dx in
      input.data.withUnsafeBufferPointer { x in
        for index in dx.indices where !(x[index] > 0) { dx[index] = 0 }
      }
    }
    return gradient
  }
}
