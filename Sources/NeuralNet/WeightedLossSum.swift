/// A weighted sum of losses whose inputs may differ (a multi-task loss), keeping each
/// term's scaled gradient.
///
/// The classic Fast R-CNN objective is one line:
///
///     let total = weightedLossSum((0.5, crossEntropy(scores, labels: y)), (0.5, l1Loss(deltas, targets)))
///     _ = classifierHead.backward(total.gradients[0])
///     _ = boxHead.backward(total.gradients[1])
public struct WeightedLossSum: Sendable, Equatable {
  /// `Σ weight_i * value_i`.
  public var value: Float
  /// `weight_i * gradient_i`, in the order the terms were given.
  public var gradients: [Tensor]
  /// Each term's unweighted value, for logging.
  public var termValues: [Float]
}

/// Combines losses as `Σ weight_i * loss_i`.
///
/// - Parameter terms: `(weight, loss)` pairs.
/// - Returns: the total value and each term's gradient scaled by its weight.
public func weightedLossSum(_ terms: (Float, Loss)...) -> WeightedLossSum {
  weightedLossSum(of: terms)
}

/// Combines losses as `Σ weight_i * loss_i` (array form).
///
/// - Parameter terms: `(weight, loss)` pairs.
/// - Returns: the total value and each term's gradient scaled by its weight.
public func weightedLossSum(of terms: [(Float, Loss)]) -> WeightedLossSum {
  var value: Float = 0
  for (weight, loss) in terms { value += weight * loss.value }
  return WeightedLossSum(
    value: value, gradients: terms.map { $0.1.gradient * $0.0 }, termValues: terms.map(\.1.value))
}
