/// `x` for `x > 0`, `slope * x` otherwise (PyTorch's `nn.LeakyReLU`).
///
///     var act = LeakyReLU(negativeSlope: 0.1)
public struct LeakyReLU: Layer {
  /// The slope for negative inputs. Default: 0.01.
  public var negativeSlope: Float
  private var savedInput: Tensor?

  /// Creates the layer.
  ///
  /// - Parameter negativeSlope: Default: 0.01.
  public init(negativeSlope: Float = 0.01) {
    self.negativeSlope = negativeSlope
  }

  public mutating func forward(_ input: Tensor) -> Tensor {
    savedInput = input
    var output = input
    let slope = negativeSlope
    output.data.withUnsafeMutableBufferPointer { y in
      for index in y.indices where !(y[index] > 0) { y[index] *= slope }
    }
    return output
  }

  public mutating func backward(_ gradientOutput: Tensor) -> Tensor {
    guard let input = savedInput else {
      preconditionFailure("LeakyReLU.backward called before forward")
    }
    var gradient = gradientOutput
    let slope = negativeSlope
    gradient.data.withUnsafeMutableBufferPointer { dx in
      input.data.withUnsafeBufferPointer { x in
        for index in dx.indices where !(x[index] > 0) { dx[index] *= slope }
      }
    }
    return gradient
  }
}
