/// A network layer with an explicit forward and backward pass.
///
/// `forward(_:)` returns the output and caches what `backward(_:)` needs (the input, a
/// mask, argmax indices); `backward(_:)` takes dLoss/dOutput, adds parameter gradients into
/// each ``Parameter/gradient`` and returns dLoss/dInput. A backward call must follow the
/// forward call whose output it differentiates. Layers are value types: copying a model copies
/// its weights (copy-on-write), which makes snapshots cheap.
///
///     var model = Sequential([Conv2d(inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, seed: 1),
///                             ReLU(), Flatten(), Linear(inFeatures: 8 * 16 * 16, outFeatures: 2, seed: 2)])
///     let logits = model.forward(images)
///     let loss = crossEntropy(logits, labels: labels)
///     _ = model.backward(loss.gradient)
public protocol Layer: Sendable {
  /// Computes the output and caches what ``backward(_:)`` needs.
  ///
  /// - Parameter input: the input tensor (NCHW for image layers, `[N, features]` for linear ones).
  /// - Returns: the output tensor.
  mutating func forward(_ input: Tensor) -> Tensor

  /// Back-propagates dLoss/dOutput through the last ``forward(_:)`` call.
  ///
  /// - Parameter gradientOutput: dLoss/dOutput, the shape of the last output.
  /// - Returns: dLoss/dInput, the shape of the last input. Parameter gradients are accumulated.
  mutating func backward(_ gradientOutput: Tensor) -> Tensor

  /// Calls `visit` with each trainable parameter and its state-dict name relative to this
  /// layer (`weight`, `bias`, `0.weight` for containers). Default: no parameters.
  mutating func visitParameters(_ visit: (String, inout Parameter) -> Void)

  /// Calls `visit` with each non-trainable state tensor (BatchNorm's `running_mean`) and
  /// its state-dict name. Default: no buffers.
  mutating func visitBuffers(_ visit: (String, inout Tensor) -> Void)

  /// Switches between training (batch statistics, dropout on) and evaluation behaviour.
  /// Default: does nothing.
  mutating func setTraining(_ isTraining: Bool)
}

extension Layer {
  public mutating func visitParameters(_ visit: (String, inout Parameter) -> Void) {}
  public mutating func visitBuffers(_ visit: (String, inout Tensor) -> Void) {}
  public mutating func setTraining(_ isTraining: Bool) {}

  /// Sets every parameter gradient to zero.
  public mutating func zeroGradients() {
    visitParameters { _, parameter in parameter.gradient.zero() }
  }

  /// The number of trainable values.
  public mutating func parameterCount() -> Int {
    var total = 0
    visitParameters { _, parameter in total += parameter.value.count }
    return total
  }
}
