/// Saving and restoring Adam's moments and step counts, under PyTorch's names.
extension Adam: CheckpointableOptimizer {
  /// The prefixes of the state tensor names, in the order a parameter's group is checked.
  private static let prefixes = ["exp_avg.", "exp_avg_sq.", "step."]

  /// The moments and step counts as tensors: `exp_avg.<param>` (``firstMoments``),
  /// `exp_avg_sq.<param>` (``secondMoments``), both of the parameter's shape, and
  /// `step.<param>`, a one-element tensor `[1]` holding ``steps`` as a Float (exact up to
  /// 2^24 steps).
  ///
  /// - Returns: Three tensors per parameter stepped so far; empty before the first step.
  public func stateTensors() -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, moment) in firstMoments {
      result["exp_avg.\(name)"] = moment
      result["exp_avg_sq.\(name)"] = secondMoments[name]
      result["step.\(name)"] = Tensor(shape: [1], data: [Float(steps[name] ?? 0)])
    }
    return result
  }

  /// Replaces the moments and step counts with tensors written by ``stateTensors()``.
  ///
  ///     var optimizer = Adam.adamW(learningRate: 1e-3)
  ///     try optimizer.restoreState(from: SafeTensors.load(contentsOf: url), source: url.path)
  ///
  /// Checked, in the sorted order of the parameter names, before anything changes:
  /// - every name is `exp_avg.<param>`, `exp_avg_sq.<param>` or `step.<param>`;
  /// - each parameter has all three;
  /// - `exp_avg_sq.<param>` has the shape of `exp_avg.<param>`;
  /// - `step.<param>` is one value, a non-negative integer;
  /// - the moments are finite and the second moments non-negative.
  ///
  /// - Parameters:
  ///   - tensors: State tensors by name.
  ///   - source: The file they were read from, for error messages.
  /// - Throws: ``NeuralNetError/unexpectedOptimizerTensor(file:tensor:optimizer:)``,
  ///   ``NeuralNetError/missingOptimizerTensor(file:tensor:requiredBy:)``,
  ///   ``NeuralNetError/optimizerShapeMismatch(file:tensor:shape:partner:partnerShape:)``,
  ///   ``NeuralNetError/invalidOptimizerStep(file:tensor:reason:)``,
  ///   ``NeuralNetError/nonFiniteOptimizerValue(file:tensor:index:value:)`` or
  ///   ``NeuralNetError/negativeSecondMoment(file:tensor:index:value:)``; the optimizer is
  ///   unchanged then.
  public mutating func restoreState(from tensors: [String: Tensor], source: String)
    throws(NeuralNetError)
  {
    var parameters = Set<String>()
    for key in tensors.keys.sorted() {
      // `exp_avg_sq.` is not a prefix of `exp_avg.` or the reverse: the dot ends each.
      guard let prefix = Self.prefixes.first(where: { key.hasPrefix($0) }) else {
        throw .unexpectedOptimizerTensor(file: source, tensor: key, optimizer: "Adam")
      }
      parameters.insert(String(key.dropFirst(prefix.count)))
    }
    var first: [String: Tensor] = [:]
    var second: [String: Tensor] = [:]
    var counts: [String: Int] = [:]
    for name in parameters.sorted() {
      let names = Self.prefixes.map { $0 + name }
      let group = names.map { tensors[$0] }
      guard let m = group[0], let v = group[1], let step = group[2] else {
        // `name` came from a key, so one tensor of the group is present and one is absent.
        let present = names.indices.first { group[$0] != nil } ?? 0
        let absent = names.indices.first { group[$0] == nil } ?? 0
        throw .missingOptimizerTensor(
          file: source, tensor: names[absent], requiredBy: names[present])
      }
      guard v.shape == m.shape else {
        throw .optimizerShapeMismatch(
          file: source, tensor: names[1], shape: v.shape, partner: names[0],
          partnerShape: m.shape)
      }
      guard step.count == 1 else {
        throw .invalidOptimizerStep(
          file: source, tensor: names[2],
          reason: "it has shape \(step.shape), a step count is one value")
      }
      guard let count = Int(exactly: step.data[0]), count >= 0 else {
        throw .invalidOptimizerStep(
          file: source, tensor: names[2],
          reason: "\(step.data[0]) is not a non-negative integer")
      }
      try OptimizerStateCheck.requireFinite(m, name: names[0], source: source)
      try OptimizerStateCheck.requireFinite(v, name: names[1], source: source)
      if let index = v.data.firstIndex(where: { $0 < 0 }) {
        throw .negativeSecondMoment(
          file: source, tensor: names[1], index: index, value: v.data[index])
      }
      first[name] = m
      second[name] = v
      counts[name] = count
    }
    firstMoments = first
    secondMoments = second
    steps = counts
  }

  /// Checks that every parameter with moments exists in `model` with the moments' shape.
  ///
  /// - Parameters:
  ///   - model: The model this optimizer steps.
  ///   - source: The file the state was read from, for error messages.
  /// - Throws: ``NeuralNetError/unexpectedTensor(file:tensor:)`` or
  ///   ``NeuralNetError/shapeMismatch(file:tensor:expected:found:)`` naming the
  ///   `exp_avg.<param>` tensor.
  public func checkState<Model: Layer>(matches model: Model, source: String)
    throws(NeuralNetError)
  {
    let state = firstMoments.sorted { $0.key < $1.key }.map {
      (tensor: "exp_avg.\($0.key)", parameter: $0.key, shape: $0.value.shape)
    }
    try OptimizerStateCheck.requireParameters(state, of: model, source: source)
  }
}
