import Foundation
import NeuralNet

/// The folder every trained detector lives in.
///
///     model/
///       config.json          format, architecture, classes (name and category id), training
///                            settings, network and preprocessing settings
///       model.safetensors    weights and buffers, PyTorch-style names
///       history.json         one record per finished epoch (written by the trainers)
///       checkpoints/N/       after epoch N: model.safetensors, optimizer.safetensors,
///                            trainer_state.json (written by the trainers, for --resume)
///
/// R-CNN folders with a network trained elsewhere (backends onnx-features and onnx) also hold
/// the `.onnx` file, the side files of its external weights and, for onnx, `labels.txt`
/// (``ONNXNetworkSettings``); an onnx folder has no `model.safetensors`.
///
/// `config.json` is validated when read: a value out of range is a
/// ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key, a folder of an
/// earlier format a ``DetectorsError/outdatedModelFormat(file:found:architecture:)``.
/// Files are written under a temporary name and renamed when complete.
///
///     try ModelFolder.save(configuration: configuration, tensors: weights, to: folder)
///     let detector = try DetectorModel.load(from: folder)
public enum ModelFolder {
  /// The format this version writes and reads.
  public static let currentFormat = 2
  /// `config.json`.
  public static let configurationFile = "config.json"
  /// `model.safetensors`.
  public static let weightsFile = "model.safetensors"

  /// The `"format"` and `"architecture"` of a folder's `config.json`.
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)``,
  ///   ``DetectorsError/malformedConfiguration(file:reason:)``,
  ///   ``DetectorsError/outdatedModelFormat(file:found:architecture:)`` or
  ///   ``DetectorsError/unsupportedArchitecture(file:value:)``.
  public static func architecture(in folder: URL) throws -> DetectorArchitecture {
    let (url, data) = try configurationData(in: folder)
    return try architecture(of: data, url: url)
  }

  /// The architecture named by the bytes of a `config.json`, its format checked.
  private static func architecture(of data: Data, url: URL) throws -> DetectorArchitecture {
    struct Header: Decodable {
      var format: Int?
      var architecture: String?
    }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: data)
    } catch {
      throw DetectorsError.malformedConfiguration(file: url.path, reason: "\(error)")
    }
    if let format = header.format, format > currentFormat {
      throw DetectorsError.malformedConfiguration(
        file: url.path,
        reason:
          "format \(format) was written by a newer RegionKit; this version reads format \(currentFormat)"
      )
    }
    guard let format = header.format, format == currentFormat else {
      throw DetectorsError.outdatedModelFormat(
        file: url.path, found: header.format, architecture: header.architecture)
    }
    guard let name = header.architecture else {
      throw DetectorsError.malformedConfiguration(file: url.path, reason: "no \"architecture\"")
    }
    guard let architecture = DetectorArchitecture(rawValue: name) else {
      throw DetectorsError.unsupportedArchitecture(file: url.path, value: name)
    }
    return architecture
  }

  /// Reads and validates `config.json` of `folder` as `type`.
  ///
  /// - Throws: The errors of ``architecture(in:)``, or
  ///   ``DetectorsError/malformedConfiguration(file:reason:)`` when it is not a `type`, or
  ///   ``DetectorsError/invalidValue(file:key:value:allowed:)``.
  public static func configuration<Configuration: ModelConfiguration>(
    _ type: Configuration.Type, in folder: URL
  ) throws -> Configuration {
    let (url, data) = try configurationData(in: folder)
    _ = try architecture(of: data, url: url)
    let configuration: Configuration
    do {
      configuration = try JSONDecoder().decode(type, from: data)
    } catch {
      throw DetectorsError.malformedConfiguration(file: url.path, reason: "\(error)")
    }
    try configuration.validate(file: url.path)
    return configuration
  }

  /// Writes `config.json` and `model.safetensors` into `folder` (created when missing).
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  public static func save(
    configuration: some ModelConfiguration, tensors: [String: Tensor], to folder: URL
  ) throws {
    try createDirectory(folder)
    try writeJSON(configuration, to: folder.appendingPathComponent(configurationFile))
    try writeTensors(tensors, to: folder.appendingPathComponent(weightsFile))
  }

  /// The tensors of `folder/model.safetensors`, every value finite.
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)``, NeuralNet's file errors, or
  ///   ``DetectorsError/nonFiniteWeights(file:tensor:)``.
  public static func weights(in folder: URL) throws -> [String: Tensor] {
    let url = folder.appendingPathComponent(weightsFile)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: weightsFile)
    }
    let tensors = try SafeTensors.load(contentsOf: url)
    for name in tensors.keys.sorted() where !tensors[name]!.data.allSatisfy(\.isFinite) {
      throw DetectorsError.nonFiniteWeights(file: url.path, tensor: name)
    }
    return tensors
  }

  /// Writes `tensors` (PyTorch-style names, metadata `format: pt`) to `url` atomically.
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  public static func writeTensors(_ tensors: [String: Tensor], to url: URL) throws {
    do {
      try SafeTensors.encode(tensors, metadata: ["format": "pt"]).write(to: url, options: .atomic)
    } catch {
      throw DetectorsError.unwritableFile(file: url.path, reason: "\(error)")
    }
  }

  /// Writes `value` as sorted, pretty-printed JSON to `url` atomically.
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  public static func writeJSON<Value: Encodable>(_ value: Value, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try encoder.encode(value).write(to: url, options: .atomic)
    } catch {
      throw DetectorsError.unwritableFile(file: url.path, reason: error.localizedDescription)
    }
  }

  /// Creates `url` and its parents.
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``.
  public static func createDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw DetectorsError.unwritableFile(file: url.path, reason: error.localizedDescription)
    }
  }

  static func configurationData(in folder: URL) throws -> (url: URL, data: Data) {
    let url = folder.appendingPathComponent(configurationFile)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: configurationFile)
    }
    return (url, data)
  }
}
