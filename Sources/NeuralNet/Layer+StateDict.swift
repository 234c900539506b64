/// PyTorch-style `state_dict` access: parameters and buffers by dotted name.
extension Layer {
  /// Every parameter value and buffer by state-dict name (`features.0.weight`,
  /// `features.1.running_mean`), ready for ``SafeTensors/save(_:to:metadata:)``.
  public mutating func stateDict() -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    visitParameters { name, parameter in result[name] = parameter.value }
    visitBuffers { name, buffer in result[name] = buffer }
    return result
  }

  /// Replaces parameters and buffers with the tensors of the same names.
  ///
  ///     try model.loadStateDict(try SafeTensors.load(contentsOf: url), source: url.lastPathComponent)
  ///
  /// - Parameters:
  ///   - tensors: tensors by state-dict name.
  ///   - isStrict: also reject tensors the model does not have. Default: true.
  ///   - source: the file name for error messages. Default: `"state dict"`.
  /// - Throws: ``NeuralNetError/missingTensor(file:tensor:)``,
  ///   ``NeuralNetError/unexpectedTensor(file:tensor:)`` or
  ///   ``NeuralNetError/shapeMismatch(file:tensor:expected:found:)``; the model is unchanged then.
  public mutating func loadStateDict(
    _ tensors: [String: Tensor], isStrict: Bool = true, source: String = "state dict"
  ) throws {
    var expected: [String: [Int]] = [:]
    visitParameters { name, parameter in expected[name] = parameter.value.shape }
    visitBuffers { name, buffer in expected[name] = buffer.shape }
    for name in expected.keys.sorted() {
      guard let tensor = tensors[name] else {
        throw NeuralNetError.missingTensor(file: source, tensor: name)
      }
      // A scalar buffer (`num_batches_tracked`) may be stored as shape [] or [1].
      if tensor.shape != expected[name]!
        && !(tensor.count == 1 && expected[name]!.reduce(1, *) == 1)
      {
        throw NeuralNetError.shapeMismatch(
          file: source, tensor: name, expected: expected[name]!, found: tensor.shape)
      }
    }
    if isStrict, let extra = tensors.keys.sorted().first(where: { expected[$0] == nil }) {
      throw NeuralNetError.unexpectedTensor(file: source, tensor: extra)
    }
    visitParameters { name, parameter in
      parameter.value = tensors[name]!.reshaped(parameter.value.shape)
    }
    visitBuffers { name, buffer in buffer = tensors[name]!.reshaped(buffer.shape) }
  }
}
