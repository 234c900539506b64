/// A scalar loss together with its gradient with respect to the loss function's input.
///
/// Loss functions are free functions returning a `Loss`; pass ``gradient`` to the
/// producing layer's `backward`.
///
///     let loss = mseLoss(prediction, target)
///     _ = model.backward(loss.gradient)
public struct Loss: Sendable, Equatable {
  /// The loss value.
  public var value: Float
  /// dLoss/dInput, the shape of the input (upstream gradient 1).
  public var gradient: Tensor

  /// Creates a loss from its value and gradient.
  public init(value: Float, gradient: Tensor) {
    self.value = value
    self.gradient = gradient
  }
}

/// How per-element losses combine into one value.
public enum Reduction: Sendable, Equatable {
  /// The average (cross-entropy: weighted average over non-ignored samples).
  case mean
  /// The plain sum.
  case sum
}

/// Applies `elementLoss`/`elementGradient` to `input - target` and reduces (shared by the
/// regression losses).
func regressionLoss(
  _ input: Tensor, _ target: Tensor, reduction: Reduction, name: String,
  _ element: (Float) -> (loss: Float, gradient: Float)
) -> Loss {
  precondition(
    input.shape == target.shape, "\(name): input \(input.shape) and target \(target.shape) differ")
  var gradient = Tensor(zeros: input.shape)
  var total: Double = 0
  let scale: Float = reduction == .mean && input.count > 0 ? 1 / Float(input.count) : 1
  input.data.withUnsafeBufferPointer { x in
    target.data.withUnsafeBufferPointer { t in
      gradient.data.withUnsafeMutableBufferPointer { g in
        for index in x.indices {
          let (loss, derivative) = element(x[index] - t[index])
          total += Double(loss)
          g[index] = derivative * scale
        }
      }
    }
  }
  let value = reduction == .mean && input.count > 0 ? total / Double(input.count) : total
  return Loss(value: Float(value), gradient: gradient)
}
