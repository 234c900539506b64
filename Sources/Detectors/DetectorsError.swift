import Foundation

/// Errors of the Detectors module: model folders, checkpoints and training data.
///
/// Every case names the file (or dataset) and the field or value at fault; `description` is one
/// sentence.
public enum DetectorsError: Error, CustomStringConvertible, Equatable {
  /// A model folder has no `config.json` or `model.safetensors`.
  case missingModelFile(folder: String, file: String)
  /// `config.json` could not be decoded.
  case malformedConfiguration(file: String, reason: String)
  /// `config.json` names an architecture this version does not know.
  case unsupportedArchitecture(file: String, value: String)
  /// A file of a model folder or checkpoint could not be written.
  case unwritableFile(file: String, reason: String)
  /// A checkpoint's trainer state could not be decoded.
  case malformedCheckpoint(file: String, reason: String)
  /// No image of the dataset has a usable object to train on.
  case noTrainingImages(dataset: String)
  /// The dataset's classes differ from the ones of the checkpoint being resumed.
  case classMismatch(file: String, expected: [String], found: [String])
  /// A ``RegionClassifier`` returned tensors of the wrong shape or non-finite values.
  case malformedClassification(classifier: String, reason: String)

  /// One sentence naming the file or dataset and the value at fault.
  public var description: String {
    switch self {
    case .missingModelFile(let folder, let file):
      "Model folder \(folder) has no \(file)."
    case .malformedConfiguration(let file, let reason):
      "\(file) is not a valid model configuration: \(reason)."
    case .unsupportedArchitecture(let file, let value):
      "\(file): \"architecture\" is \"\(value)\", which this version cannot run."
    case .unwritableFile(let file, let reason):
      "Cannot write \(file): \(reason)."
    case .malformedCheckpoint(let file, let reason):
      "\(file) is not a valid checkpoint: \(reason)."
    case .noTrainingImages(let dataset):
      "Dataset \(dataset) has no image with a usable (non-crowd, non-degenerate) object."
    case .classMismatch(let file, let expected, let found):
      "\(file) was trained on classes \(expected), but the dataset has \(found)."
    case .malformedClassification(let classifier, let reason):
      "Region classifier \(classifier) returned a malformed classification: \(reason)."
    }
  }
}
