/// Errors from reading and applying weight files and saved optimizer state, and parameters of
/// layers, optimizers and schedules outside the values they allow.
public enum NeuralNetError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read or written.
  case unreadableFile(file: String, reason: String)
  /// The file is not a valid safetensors file (header length, JSON, data size).
  case malformedFile(file: String, reason: String)
  /// One tensor entry of the header is invalid (bad shape, offsets out of range, size mismatch).
  case malformedTensor(file: String, tensor: String, reason: String)
  /// A tensor uses a dtype this library cannot convert to Float32.
  case unsupportedDType(file: String, tensor: String, dtype: String)
  /// A model parameter or buffer has no tensor in the state dict.
  case missingTensor(file: String, tensor: String)
  /// The state dict holds a tensor the model does not have (strict loading).
  case unexpectedTensor(file: String, tensor: String)
  /// A tensor's shape differs from the model's.
  case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
  /// Saved optimizer state holds a tensor whose name that optimizer does not use
  /// (``Adam`` uses `exp_avg.`, `exp_avg_sq.` and `step.` names, ``SGD``
  /// `momentum_buffer.` names).
  case unexpectedOptimizerTensor(file: String, tensor: String, optimizer: String)
  /// Saved optimizer state lacks `tensor`, which the parameter of `requiredBy` needs
  /// (`exp_avg.w` without `exp_avg_sq.w` or `step.w`).
  case missingOptimizerTensor(file: String, tensor: String, requiredBy: String)
  /// Two state tensors of one parameter have different shapes.
  case optimizerShapeMismatch(
    file: String, tensor: String, shape: [Int], partner: String, partnerShape: [Int])
  /// A saved step count is not one non-negative integer.
  case invalidOptimizerStep(file: String, tensor: String, reason: String)
  /// Saved optimizer state holds NaN or an infinity; `index` is the flat element index.
  case nonFiniteOptimizerValue(file: String, tensor: String, index: Int, value: Float)
  /// A parameter of an initialiser or a schedule (a probability, a step count) is outside the
  /// values it allows.
  case invalidParameter(type: String, field: String, value: String, expected: String)
  /// A saved second moment (`exp_avg_sq`) is negative; `index` is the flat element index.
  case negativeSecondMoment(file: String, tensor: String, index: Int, value: Float)

  public var description: String {
    switch self {
    case .unreadableFile(let file, let reason):
      "\(file): cannot be read or written (\(reason))."
    case .malformedFile(let file, let reason):
      "\(file): not a valid safetensors file: \(reason)."
    case .malformedTensor(let file, let tensor, let reason):
      "\(file): tensor \"\(tensor)\" is malformed: \(reason)."
    case .unsupportedDType(let file, let tensor, let dtype):
      "\(file): tensor \"\(tensor)\" has dtype \(dtype), which cannot be read as Float32."
    case .missingTensor(let file, let tensor):
      "\(file): the model needs tensor \"\(tensor)\", which is missing."
    case .unexpectedTensor(let file, let tensor):
      "\(file): tensor \"\(tensor)\" does not belong to the model."
    case .shapeMismatch(let file, let tensor, let expected, let found):
      "\(file): tensor \"\(tensor)\" has shape \(found), the model expects \(expected)."
    case .unexpectedOptimizerTensor(let file, let tensor, let optimizer):
      "\(file): tensor \"\(tensor)\" is not part of the state of \(optimizer)."
    case .missingOptimizerTensor(let file, let tensor, let requiredBy):
      "\(file): optimizer state \"\(requiredBy)\" needs tensor \"\(tensor)\", which is missing."
    case .optimizerShapeMismatch(let file, let tensor, let shape, let partner, let partnerShape):
      "\(file): tensor \"\(tensor)\" has shape \(shape), but \"\(partner)\" has shape "
        + "\(partnerShape); the two must have the same shape."
    case .invalidOptimizerStep(let file, let tensor, let reason):
      "\(file): tensor \"\(tensor)\" is not a step count: \(reason)."
    case .nonFiniteOptimizerValue(let file, let tensor, let index, let value):
      "\(file): tensor \"\(tensor)\" holds \(value) at element \(index); optimizer state must "
        + "be finite."
    case .invalidParameter(let type, let field, let value, let expected):
      "\(type): \(field) is \(value), expected \(expected)."
    case .negativeSecondMoment(let file, let tensor, let index, let value):
      "\(file): tensor \"\(tensor)\" holds \(value) at element \(index); a second moment "
        + "cannot be negative."
    }
  }
}
