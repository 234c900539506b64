/// Checks shared by the ``CheckpointableOptimizer`` conformances.
enum OptimizerStateCheck {
  /// Throws for the first NaN or infinite value of `tensor`.
  static func requireFinite(_ tensor: Tensor, name: String, source: String)
    throws(NeuralNetError)
  {
    if let index = tensor.data.firstIndex(where: { !$0.isFinite }) {
      throw .nonFiniteOptimizerValue(
        file: source, tensor: name, index: index, value: tensor.data[index])
    }
  }

  /// Throws unless each state tensor names a parameter of `model` with the same shape.
  ///
  /// - Parameter state: `(tensor name, parameter name, shape)` for each state tensor that has
  ///   its parameter's shape, in the order to check them.
  static func requireParameters<Model: Layer>(
    _ state: [(tensor: String, parameter: String, shape: [Int])], of model: Model,
    source: String
  ) throws(NeuralNetError) {
    var copy = model
    var shapes: [String: [Int]] = [:]
    copy.visitParameters { name, parameter in shapes[name] = parameter.value.shape }
    for (tensor, parameter, shape) in state {
      guard let expected = shapes[parameter] else {
        throw .unexpectedTensor(file: source, tensor: tensor)
      }
      guard expected == shape else {
        throw .shapeMismatch(file: source, tensor: tensor, expected: expected, found: shape)
      }
    }
  }
}
