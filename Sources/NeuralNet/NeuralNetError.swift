/// Errors from reading and applying weight files.
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
    }
  }
}
