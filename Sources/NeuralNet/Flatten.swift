/// Reshapes `[N, d1, d2, ...]` to `[N, d1 * d2 * ...]` (PyTorch's `nn.Flatten()`).
public struct Flatten: Layer {
  private var savedShape: [Int] = []

  /// Creates the layer.
  public init() {}

  public mutating func forward(_ input: Tensor) -> Tensor {
    precondition(input.rank >= 1, "Flatten: scalar input")
    savedShape = input.shape
    return input.reshaped([input.shape[0], input.shape.dropFirst().reduce(1, *)])
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    gradientOutput.reshaped(savedShape)
  }
}
