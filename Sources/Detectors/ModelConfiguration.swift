/// What every architecture's `config.json` holds: the format version, the architecture, the
/// classes with their category ids and the training settings; each conforming type adds the
/// settings of its networks and preprocessing.
///
/// ``ModelFolder`` reads and writes these; ``DetectorModel/load(from:proposalGenerator:)``
/// dispatches on ``architecture``.
public protocol ModelConfiguration: Sendable, Codable {
  /// The model folder format (``ModelFolder/currentFormat`` when written by this version).
  var format: Int { get }
  /// The architecture of the model.
  var architecture: DetectorArchitecture { get }
  /// The object classes (without background), in label order, with their category ids.
  var classes: [DetectorClass] { get }
  /// How the model was trained.
  var training: TrainingSettings { get set }

  /// Checks every value against what the model needs.
  ///
  /// - Parameter file: The `config.json` the values came from, for the error.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  func validate(file: String) throws
}

extension ClassifyAndLocalizeConfiguration: ModelConfiguration {}
extension FastRCNNConfiguration: ModelConfiguration {}
extension RCNNConfiguration: ModelConfiguration {}
