/// Updates a model's parameters from their accumulated gradients.
///
/// Optimisers keep their per-parameter state (momentum, moments) keyed by state-dict name,
/// so one optimiser serves one model. Steps do not clear gradients; call
/// ``Layer/zeroGradients()`` before the next backward pass.
///
///     var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
///     _ = model.backward(loss.gradient)
///     optimizer.step(&model)
///     model.zeroGradients()
///
/// Optimisers whose state can be saved for resumable training conform to
/// ``CheckpointableOptimizer``.
public protocol Optimizer: Sendable {
  /// The step size used by the next ``step(_:)``; schedules overwrite it.
  var learningRate: Float { get set }

  /// Applies one update to every parameter of `model`.
  mutating func step<Model: Layer>(_ model: inout Model)
}
