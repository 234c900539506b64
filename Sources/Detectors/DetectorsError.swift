import Foundation

/// Errors of the Detectors and DetectorTraining modules: model folders, checkpoints and
/// training data.
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
  /// A value of `config.json` (or of a training setting) is outside what the model allows.
  case invalidValue(file: String, key: String, value: String, allowed: String)
  /// A parameter of an initialiser (a threshold, a count, a fraction) is outside the values it
  /// allows.
  case invalidParameter(type: String, field: String, value: String, expected: String)
  /// `config.json` was written by an earlier version of RegionKit (no `"format"`, or an older
  /// one); the model has to be trained again.
  case outdatedModelFormat(file: String, found: Int?, architecture: String?)
  /// Training would overwrite an existing model folder (no `--resume` or `--force`).
  case existingModel(folder: String)
  /// A model's weights hold NaN or infinite values.
  case nonFiniteWeights(file: String, tensor: String)
  /// A proposals file has no record for an image.
  case missingProposals(file: String, image: String)
  /// The detector was given something it does not use (proposals for a model with its own).
  case unsupportedInput(detector: String, reason: String)
  /// A classifier's labels file does not fit its network or the dataset's classes.
  case invalidLabels(file: String, reason: String)
  /// An out-of-process classifier (``CommandClassifier``) failed: it could not be started, died,
  /// timed out or broke the protocol. `standardError` is the end of what it wrote there.
  case classifierCommandFailed(
    command: String, problem: CommandClassifierProblem, standardError: String)
  /// A network cannot serve as a Fast or Faster R-CNN backbone (no such tensor, not a 4-D
  /// feature map, no stride, a mismatch with the model folder).
  case invalidBackbone(file: String, reason: String)
  /// A backbone network is to be fine-tuned, but a node up to its cut tensor has no backward
  /// pass in RegionKit.
  case untrainableBackbone(file: String, node: String, op: String, reason: String)

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
    case .invalidValue(let file, let key, let value, let allowed):
      "\(file): \"\(key)\" is \(value); allowed: \(allowed)."
    case .invalidParameter(let type, let field, let value, let expected):
      "\(type): \(field) is \(value), expected \(expected)."
    case .outdatedModelFormat(let file, let found, let architecture):
      "\(file) is a model folder of an earlier RegionKit (format \(found.map { "\($0)" } ?? "1"), "
        + "this version reads format \(ModelFolder.currentFormat)); train it again with "
        + "`regionkit train \(architecture ?? "ARCHITECTURE") DATASET -o FOLDER`."
    case .existingModel(let folder):
      "\(folder) already holds a model; pass --resume to continue its training or --force to "
        + "replace it."
    case .nonFiniteWeights(let file, let tensor):
      "\(file): tensor \(tensor) holds NaN or infinite values."
    case .missingProposals(let file, let image):
      "\(file) has no proposals for image \(image) (--skip-missing leaves such images out)."
    case .unsupportedInput(let detector, let reason):
      "\(detector): \(reason)."
    case .invalidLabels(let file, let reason):
      "\(file): \(reason)."
    case .classifierCommandFailed(let command, let problem, let standardError):
      "Classifier command `\(command)` \(problem)."
        + (standardError.isEmpty ? "" : " The end of its standard error:\n\(standardError)")
    case .invalidBackbone(let file, let reason):
      "\(file) cannot serve as a backbone: \(reason)."
    case .untrainableBackbone(let file, let node, let op, let reason):
      "\(file): node \(node) (\(op)) has no backward pass in RegionKit (\(reason)), so the "
        + "backbone cannot be fine-tuned; train with --freeze-backbone, or cut the network "
        + "before that node."
    }
  }
}
