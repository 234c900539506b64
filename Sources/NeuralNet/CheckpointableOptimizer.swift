/// An ``Optimizer`` whose per-parameter state (moments, momentum buffers, step counts) can be
/// saved as named tensors and restored, so that training resumed from a checkpoint continues
/// exactly as if it had never stopped.
///
/// The tensors use PyTorch-like names, one group per parameter state-dict name: ``Adam``
/// writes `exp_avg.<param>`, `exp_avg_sq.<param>` and `step.<param>`, ``SGD`` writes
/// `momentum_buffer.<param>`. Store them with ``SafeTensors/save(_:to:metadata:)`` next to the
/// model's weights; Float32 keeps every value exactly, so a resumed run gives bit-identical
/// parameters.
///
///     try SafeTensors.save(optimizer.stateTensors(), to: url)
///     // later, in a new process:
///     var resumed = Adam(learningRate: 1e-3)
///     try resumed.restoreState(
///       from: SafeTensors.load(contentsOf: url), for: model, source: url.path)
///
/// Hyper-parameters (learning rate, betas, weight decay, momentum) are not part of the state:
/// create the optimizer with the same ones before restoring.
public protocol CheckpointableOptimizer: Optimizer {
  /// The optimizer's state as tensors named after the parameters they belong to.
  ///
  /// - Returns: An empty dictionary before the first step.
  func stateTensors() -> [String: Tensor]

  /// Replaces the whole state with tensors written by ``stateTensors()``.
  ///
  /// Every tensor is checked before anything changes: names the optimizer does not use, a
  /// tensor without the others of its parameter, shapes that differ within a parameter's
  /// group, and values that cannot be state (NaN, infinities, a step count that is not a
  /// non-negative integer) are errors. On error the optimizer is unchanged. Parameters
  /// without state start afresh at their next step.
  ///
  /// - Parameters:
  ///   - tensors: State tensors by name.
  ///   - source: The file they were read from, for error messages.
  /// - Throws: A ``NeuralNetError`` naming `source` and the tensor at fault.
  mutating func restoreState(from tensors: [String: Tensor], source: String)
    throws(NeuralNetError)

  /// Checks that the state fits `model`: every parameter named in the state exists in the
  /// model with the same shape, so the next ``Optimizer/step(_:)`` can use it.
  ///
  /// Parameters of the model without state are allowed (they start afresh).
  ///
  /// - Parameters:
  ///   - model: The model the optimizer will step, its parameter names as the state uses them.
  ///   - source: The file the state was read from, for error messages.
  /// - Throws: ``NeuralNetError/unexpectedTensor(file:tensor:)`` for state of a parameter the
  ///   model does not have, ``NeuralNetError/shapeMismatch(file:tensor:expected:found:)`` for
  ///   state whose shape differs from its parameter's.
  func checkState<Model: Layer>(matches model: Model, source: String) throws(NeuralNetError)
}

extension CheckpointableOptimizer {
  /// Restores tensors written by ``stateTensors()`` and checks them against `model`: the
  /// checks of ``restoreState(from:source:)`` followed by those of
  /// ``checkState(matches:source:)``. On error the optimizer is unchanged.
  ///
  /// - Parameters:
  ///   - tensors: State tensors by name.
  ///   - model: The model the optimizer will step.
  ///   - source: The file the tensors were read from, for error messages.
  /// - Throws: A ``NeuralNetError`` naming `source` and the tensor at fault.
  public mutating func restoreState<Model: Layer>(
    from tensors: [String: Tensor], for model: Model, source: String
  ) throws(NeuralNetError) {
    var restored = self
    try restored.restoreState(from: tensors, source: source)
    try restored.checkState(matches: model, source: source)
    self = restored
  }
}
