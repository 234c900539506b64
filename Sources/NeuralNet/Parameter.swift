/// A trainable tensor together with the gradient that backward passes accumulate into.
///
/// Layers own their parameters; optimisers reach them through ``Layer/visitParameters(_:)``
/// by their state-dict name (`features.0.weight`). `backward` adds to ``gradient``; call
/// ``Layer/zeroGradients()`` after each optimiser step (as in PyTorch, steps do not clear them).
public struct Parameter: Sendable, Equatable {
  /// The current value.
  public var value: Tensor
  /// dLoss/dvalue accumulated by backward passes, same shape as ``value``.
  public var gradient: Tensor

  /// Creates a parameter with a zero gradient.
  ///
  /// - Parameter value: the initial value.
  public init(_ value: Tensor) {
    self.value = value
    self.gradient = Tensor(zeros: value.shape)
  }
}
