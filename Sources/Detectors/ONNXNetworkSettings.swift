import Foundation
import ONNX

/// The ONNX network of an R-CNN model folder with the `onnx-features` or `onnx` backend:
/// `"network"` in its `config.json`.
///
///     "network" : {
///       "file" : "resnet50.onnx",
///       "tensor" : "/avgpool/GlobalAveragePool_output_0",
///       "pooling" : "average",
///       "normalization" : { "channelOrder" : "rgb", "pixelRange" : 1,
///                           "mean" : [0.485, 0.456, 0.406], "std" : [0.229, 0.224, 0.225] }
///     }
///
/// The folder holds the `.onnx` file under ``file``, the side files of weights it keeps as
/// external data at the places it names (relative to the folder), and for `onnx` the labels
/// file ``labelsFile``. Training copies them in (``copyFiles(model:labels:into:)``).
public struct ONNXNetworkSettings: Sendable, Hashable, Codable {
  /// The `.onnx` file's name in the model folder.
  public var file: String
  /// onnx-features: the tensor whose values are the features; onnx: the output holding the
  /// class scores. Default: nil, the first graph output.
  public var tensor: String?
  /// onnx-features: how a tensor with spatial axes becomes a vector. Default: `.average`.
  public var pooling: ONNXFeatureExtractor.Pooling
  /// onnx: the labels file's name in the model folder (one label per output column).
  /// Default: nil; `labels.txt` for onnx.
  public var labelsFile: String?
  /// How crops are normalised for the network. Default: ImageNet's.
  public var normalization: InputNormalization

  /// The name the labels file gets in a model folder.
  public static let defaultLabelsFile = "labels.txt"

  /// Settings; see the properties for each parameter.
  public init(
    file: String, tensor: String? = nil, pooling: ONNXFeatureExtractor.Pooling = .average,
    labelsFile: String? = nil, normalization: InputNormalization = .imageNet
  ) {
    self.file = file
    self.tensor = tensor
    self.pooling = pooling
    self.labelsFile = labelsFile
    self.normalization = normalization
  }

  /// The files a model folder keeps for itself, which the network's files may not replace.
  static var reservedNames: Set<String> { ModelFolder.ownNames }

  /// Checks the values for `backend` (`onnx` needs a labels file, `onnx-features` takes none).
  ///
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key
  ///   (`network.file`, `network.tensor`, `network.labelsFile`, `network.normalization.mean`…).
  func validate(_ check: ConfigurationCheck, backend: RCNNBackend) throws {
    try Self.checkName(file, key: "network.file", check)
    if let tensor, tensor.isEmpty {
      throw check.fail(
        "network.tensor", "\"\"", allowed: "a tensor name, or no key for the first graph output")
    }
    switch (backend, labelsFile) {
    case (.onnx, nil):
      throw check.fail("network.labelsFile", "missing", allowed: "a file name (labels.txt)")
    case (.onnx, let name?):
      try Self.checkName(name, key: "network.labelsFile", check)
      guard name != file else {
        throw check.fail(
          "network.labelsFile", "\"\(name)\"", allowed: "another name than network.file")
      }
    case (_, let name?):
      throw check.fail(
        "network.labelsFile", "\"\(name)\"", allowed: "no labels file for \(backend.rawValue)")
    default: break
    }
    try normalization.validate(check, key: "network.normalization")
  }

  /// A plain file name of the folder: not empty, no folder part, not one of the folder's own.
  private static func checkName(_ name: String, key: String, _ check: ConfigurationCheck) throws {
    guard !name.isEmpty, !name.contains("/"), name != ".", name != "..",
      !reservedNames.contains(name)
    else {
      throw check.fail(
        key, "\"\(name)\"",
        allowed: "a file name in the model folder other than "
          + reservedNames.sorted().joined(separator: ", "))
    }
  }

  /// The network of a model folder, loaded.
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)`` when the folder lacks the
  ///   file; ``/ONNX/ONNXError`` when it does not load.
  public func loadModel(in folder: URL) throws -> ONNXModel {
    let url = folder.appendingPathComponent(file)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: file)
    }
    return try ONNXModel(contentsOf: url)
  }

  /// The labels of a model folder (onnx).
  ///
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)`` when the folder lacks the
  ///   file, ``DetectorsError/invalidLabels(file:reason:)`` when it cannot be read.
  public func loadLabels(in folder: URL) throws -> [String] {
    let name = labelsFile ?? Self.defaultLabelsFile
    let url = folder.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: name)
    }
    return try ClassifierLabels.read(contentsOf: url)
  }

  /// Removes the network, the side files of its external weights and the labels file from a
  /// model folder (what ``copyFiles(model:labels:into:)`` wrote), as far as they exist.
  ///
  /// - Parameter folder: The model folder.
  public func removeFiles(in folder: URL) {
    let model = folder.appendingPathComponent(file)
    var names = [file] + (labelsFile.map { [$0] } ?? [])
    if let summary = try? ONNXModelSummary(contentsOf: model) {
      names += summary.externalDataFiles.filter {
        !Self.reservedNames.contains(String($0.split(separator: "/").first ?? ""))
      }
    }
    for name in names {
      try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
  }

  /// Copies a network (and the side files of its external weights) and a labels file into a
  /// model folder, under ``file`` and ``labelsFile``; existing files of those names are
  /// replaced.
  ///
  /// - Parameters:
  ///   - model: The `.onnx` file to copy.
  ///   - labels: The labels file to copy (onnx), or nil.
  ///   - folder: The model folder (created when missing).
  /// - Returns: The folder's files written, relative to it.
  /// - Throws: ``/ONNX/ONNXError`` when `model` is not a readable ONNX file (or names external
  ///   data it lacks), ``DetectorsError/invalidValue(file:key:value:allowed:)`` when an external
  ///   data file would take the place of a folder file,
  ///   ``DetectorsError/unwritableFile(file:reason:)`` when a copy fails.
  @discardableResult
  public func copyFiles(model: URL, labels: URL?, into folder: URL) throws -> [String] {
    let summary = try ONNXModelSummary(contentsOf: model)
    return try ModelFolder.copyNetwork(
      model, externalDataFiles: summary.externalDataFiles, as: file,
      with: labels.map { [($0, labelsFile ?? Self.defaultLabelsFile)] } ?? [], into: folder)
  }
}
