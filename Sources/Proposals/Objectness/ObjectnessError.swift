/// Errors reading, writing, training or using an objectness model (`objectness.json`).
public enum ObjectnessError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file could not be read or written.
  case unreadable(file: String, reason: String)
  /// The file is not a valid model; `field` names the offending key path.
  case malformed(file: String, field: String, reason: String)
  /// The file was written in another format version than this code reads.
  case unsupportedVersion(file: String, version: Int)
  /// The model was trained on another generator's proposals (or other settings of it).
  case generatorMismatch(file: String, trainedFor: String, given: String)
  /// Training data were unusable (e.g. one class only).
  case invalidTrainingData(reason: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): "\(file): cannot read or write: \(reason)"
    case .malformed(let file, let field, let reason):
      "\(file): field \"\(field)\" is malformed: \(reason)"
    case .unsupportedVersion(let file, let version):
      "\(file): objectness model format \(version), this version reads format "
        + "\(ObjectnessModel.currentFormatVersion) only; train the model again"
    case .generatorMismatch(let file, let trainedFor, let given):
      "\(file): the model was trained on \(trainedFor) proposals, not \(given)"
    case .invalidTrainingData(let reason): "objectness training: \(reason)"
    }
  }
}
