import Foundation

/// Errors of the Evaluation module; each names the input and the value at fault.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
  /// Two proposal records name the same image.
  case duplicateRecord(image: String)
  /// A detection names an image id the dataset does not have.
  case unknownImage(id: Int, detectionIndex: Int)
  /// A detection's box or score is NaN or infinite.
  case nonFiniteDetection(index: Int)
  /// A configuration value is out of its range.
  case invalidConfiguration(field: String, value: String, reason: String)
  /// A report file could not be written.
  case cannotWrite(file: String, reason: String)
  /// A report needs at least one method.
  case noMethods

  public var description: String {
    switch self {
    case .duplicateRecord(let image):
      "proposal records: image \"\(image)\" has more than one record"
    case .unknownImage(let id, let index):
      "detections: detection \(index) has image_id \(id), which is not in the dataset"
    case .nonFiniteDetection(let index):
      "detections: detection \(index) has a NaN or infinite box or score"
    case .invalidConfiguration(let field, let value, let reason):
      "configuration: \(field) = \(value) is invalid: \(reason)"
    case .cannotWrite(let file, let reason):
      "\(file): cannot write: \(reason)"
    case .noMethods:
      "report: no methods were given"
    }
  }
}
