/// Errors reading, writing or using an objectness model (`objectness.json`).
public enum ObjectnessError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file could not be read or written.
  case unreadable(file: String, reason: String)
  /// The file is not a valid model; `field` names the offending key path.
  case malformed(file: String, field: String, reason: String)
  /// Training data were unusable (e.g. one class only).
  case invalidTrainingData(reason: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read or write: \(reason)"
    case .malformed(let file, let field, let reason):
      "\(file): field \"\(field)\" is malformed: \(reason)"
    case .invalidTrainingData(let reason): "objectness training: \(reason)"
    }
  }
}
