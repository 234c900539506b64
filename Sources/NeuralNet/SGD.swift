/// Stochastic gradient descent with momentum, weight decay and Nesterov momentum
/// (PyTorch's `torch.optim.SGD`, dampening 0).
///
/// `g = grad + weightDecay * p`; the momentum buffer starts as `g` and then becomes
/// `momentum * buf + g`; the step uses `buf` (or `g + momentum * buf` with Nesterov):
/// `p -= learningRate * step`.
///
///     var optimizer = try SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4)
///     optimizer.step(&model)
///
/// The momentum buffers can be saved and restored for resumable training
/// (``stateTensors()``, ``restoreState(from:source:)``), see ``CheckpointableOptimizer``.
///
/// Checked against PyTorch (goldens `nn_layers.json`, two steps with their buffers).
public struct SGD: Optimizer {
  public var learningRate: Float
  /// Momentum factor; 0 for plain SGD. Default: 0.
  public var momentum: Float
  /// L2 penalty added to the gradient. Default: 0.
  public var weightDecay: Float
  /// Nesterov momentum (needs `momentum > 0`). Default: false.
  public var nesterov: Bool
  /// Momentum buffers by state-dict name (`momentum_buffer` in PyTorch).
  public internal(set) var momentumBuffers: [String: Tensor] = [:]

  /// Creates the optimiser.
  ///
  /// - Parameters:
  ///   - learningRate: step size.
  ///   - momentum: Default: 0.
  ///   - weightDecay: Default: 0.
  ///   - nesterov: Default: false.
  /// - Throws: ``NeuralNetError/invalidParameter(type:field:value:expected:)`` naming
  ///   `momentum` when `nesterov` is set and `momentum` is not positive.
  public init(
    learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false
  ) throws(NeuralNetError) {
    guard !nesterov || momentum > 0 else {
      throw .invalidParameter(
        type: "SGD", field: "momentum", value: "\(momentum)",
        expected: "more than 0 with Nesterov momentum")
    }
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.nesterov = nesterov
  }

  public mutating func step<Model: Layer>(_ model: inout Model) {
    model.visitParameters { name, parameter in update(name, &parameter) }
  }

  /// Updates one named parameter (also usable without a model).
  public mutating func update(_ name: String, _ parameter: inout Parameter) {
    let count = parameter.value.count
    var direction = parameter.gradient.data
    if weightDecay != 0 {
      for index in 0..<count { direction[index] += weightDecay * parameter.value.data[index] }
    }
    if momentum != 0 {
      var buffer: [Float]
      if let previous = momentumBuffers[name]?.data {
        buffer = previous
        for index in 0..<count { buffer[index] = momentum * buffer[index] + direction[index] }
      } else {
        buffer = direction
      }
      momentumBuffers[name] = Tensor(shape: parameter.value.shape, data: buffer)
      if nesterov {
        for index in 0..<count { direction[index] += momentum * buffer[index] }
      } else {
        direction = buffer
      }
    }
    let rate = learningRate
    parameter.value.data.withUnsafeMutableBufferPointer { p in
      for index in 0..<count { p[index] -= rate * direction[index] }
    }
  }
}
