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
    return input.data.withUnsafeBufferPointer { x in
      let x = x.baseAddress
      return Tensor(shape: input.shape) { y in
        // `x < 0 ? 0 : x` keeps -0.0 and NaN like torch.relu, and vectorises.
        ElementwiseChunks.forEach(count: input.count) { range in
          for index in range { y[index] = x![index] < 0 ? 0 : x![index] }
        }
      }
    }
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else { preconditionFailure("ReLU.backward called before forward") }
    precondition(
      gradientOutput.shape == input.shape, "ReLU.backward: gradient shape \(gradientOutput.shape)")
    return gradientOutput.data.withUnsafeBufferPointer { dy in
      input.data.withUnsafeBufferPointer { x in
        let (dy, x) = (dy.baseAddress, x.baseAddress)
        return Tensor(shape: input.shape) { dx in
          ElementwiseChunks.forEach(count: input.count) { range in
            for index in range { dx[index] = x![index] > 0 ? dy![index] : 0 }
          }
        }
      }
    }
  }
}
