/// Saving and restoring SGD's momentum buffers, under PyTorch's names.
extension SGD: CheckpointableOptimizer {
  private static let prefix = "momentum_buffer."

  /// The momentum buffers as tensors named `momentum_buffer.<param>`, of the parameter's
  /// shape.
  ///
  /// - Returns: One tensor per parameter stepped so far; empty before the first step and
  ///   always empty without momentum.
  public func stateTensors() -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, buffer) in momentumBuffers { result[Self.prefix + name] = buffer }
    return result
  }

  /// Replaces the momentum buffers with tensors written by ``stateTensors()``.
  ///
  ///     var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
  ///     try optimizer.restoreState(from: SafeTensors.load(contentsOf: url), source: url.path)
  ///
  /// Every name must be `momentum_buffer.<param>` and every value finite; this is checked
  /// before anything changes. Buffers are kept but unused when ``momentum`` is 0.
  ///
  /// - Parameters:
  ///   - tensors: State tensors by name.
  ///   - source: The file they were read from, for error messages.
  /// - Throws: ``NeuralNetError/unexpectedOptimizerTensor(file:tensor:optimizer:)`` or
  ///   ``NeuralNetError/nonFiniteOptimizerValue(file:tensor:index:value:)``; the optimizer is
  ///   unchanged then.
  public mutating func restoreState(from tensors: [String: Tensor], source: String)
    throws(NeuralNetError)
  {
    var buffers: [String: Tensor] = [:]
    for (key, buffer) in tensors.sorted(by: { $0.key < $1.key }) {
      guard key.hasPrefix(Self.prefix) else {
        throw .unexpectedOptimizerTensor(file: source, tensor: key, optimizer: "SGD")
      }
      try OptimizerStateCheck.requireFinite(buffer, name: key, source: source)
      buffers[String(key.dropFirst(Self.prefix.count))] = buffer
    }
    momentumBuffers = buffers
  }

  /// Checks that every parameter with a momentum buffer exists in `model` with the buffer's
  /// shape.
  ///
  /// - Parameters:
  ///   - model: The model this optimizer steps.
  ///   - source: The file the state was read from, for error messages.
  /// - Throws: ``NeuralNetError/unexpectedTensor(file:tensor:)`` or
  ///   ``NeuralNetError/shapeMismatch(file:tensor:expected:found:)`` naming the
  ///   `momentum_buffer.<param>` tensor.
  public func checkState<Model: Layer>(matches model: Model, source: String)
    throws(NeuralNetError)
  {
    let state = momentumBuffers.sorted { $0.key < $1.key }.map {
      (tensor: Self.prefix + $0.key, parameter: $0.key, shape: $0.value.shape)
    }
    try OptimizerStateCheck.requireParameters(state, of: model, source: source)
  }
}
