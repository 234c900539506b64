import Detectors
import Foundation
import ONNX

/// `regionkit model info FOLDER`: what a model folder holds; for R-CNN models with an ONNX
/// network, the network, the tensor read, the normalisation, and how the outputs are read
/// (logits with a softmax applied, or probabilities) with the labels' columns; for a classifier
/// command, the command, its settings, the handshake recorded at training and the one it gives
/// now (the command is started to read it).
struct ModelFolderDescription {
  /// The folder.
  var folder: URL

  /// The description as text lines and as a JSON object.
  func describe() throws -> (lines: [String], json: [String: Any]) {
    let architecture = try ModelFolder.architecture(in: folder)
    var lines = ["model folder: \(folder.path)", "architecture: \(architecture.rawValue)"]
    var json: [String: Any] = ["folder": folder.path, "architecture": architecture.rawValue]
    switch architecture {
    case .rcnn: break
    case .classifyLocalize:
      let classes = try ModelFolder.configuration(
        ClassifyAndLocalizeConfiguration.self, in: folder
      ).classes
      lines.append(Self.describe(classes))
      json["classes"] = Self.object(classes)
      return (lines, json)
    case .fastRCNN, .fasterRCNN:
      let c = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
      let b = c.backbone
      lines.append(Self.describe(c.classes))
      json["classes"] = Self.object(c.classes)
      lines.append("backbone: \(b.summary)")
      if let file = b.file { lines.append("backbone file: \(file)") }
      let input =
        b.inputSize.map { "fixed \($0.map(String.init).joined(separator: "x")), images padded" }
        ?? "longer side \(c.maxSide)"
      lines.append("input: \(input)")
      lines.append("normalization: \(Self.describe(c.normalization))")
      var backbone: [String: Any] = [
        "kind": b.kind.rawValue, "stride": b.stride, "channels": b.channels, "frozen": b.isFrozen,
      ]
      backbone["file"] = b.file
      backbone["source"] = b.source
      backbone["tensor"] = b.tensor
      backbone["type"] = b.typeName
      backbone["input_size"] = b.inputSize
      json["backbone"] = backbone
      json["max_side"] = c.maxSide
      json["normalization"] = Self.object(c.normalization)
      return (lines, json)
    }
    let configuration = try ModelFolder.configuration(RCNNConfiguration.self, in: folder)
    let backend = configuration.backend
    lines[1] += ", classifier \(backend.rawValue)"
    json["classifier"] = backend.rawValue
    json["classes"] = Self.object(configuration.classes)
    json["crop_size"] = configuration.inputSize
    json["context_padding"] = configuration.contextPadding
    lines.append(Self.describe(configuration.classes))
    lines.append(
      "crops: \(configuration.inputSize)x\(configuration.inputSize) px with "
        + "\(configuration.contextPadding) px of context, at most \(configuration.maxProposals) "
        + "proposals per image")
    if backend == .hogSVM || backend == .onnxFeatures {
      lines.append(
        "svms: C \(configuration.svmC), ridge lambda \(configuration.ridgeLambda)"
          + (configuration.featureNorm.map { ", features scaled to a mean norm of \($0)" } ?? ""))
    }
    if let command = configuration.command {
      lines.append("command: \(command.commandLine)")
      lines.append(
        "command timeout: \(command.timeout) s per batch; processes: \(command.processes)")
      json["command"] = [
        "command_line": command.commandLine, "timeout": command.timeout,
        "processes": command.processes,
      ]
      func dictionary(_ handshake: CommandClassifierHandshake) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(handshake.jsonLine.utf8))
      }
      if let stored = configuration.commandHandshake {
        lines.append("handshake at training: \(stored.jsonLine)")
        json["handshake_at_training"] = try dictionary(stored)
      }
      let source = folder.appendingPathComponent(ModelFolder.configurationFile).path
      let live = try DetectorModel.commandClassifier(configuration, source: source).handshake
      lines.append("handshake now: \(live.jsonLine)")
      json["handshake"] = try dictionary(live)
    }
    guard let network = configuration.network else { return (lines, json) }
    let normalization = Self.describe(network.normalization)
    var networkJSON: [String: Any] = [
      "file": network.file, "normalization": Self.object(network.normalization),
    ]
    let classifier = try DetectorModel.loadRegionClassifier(
      from: folder, configuration: configuration)
    switch classifier {
    case let svm as SVMRegionClassifier:
      guard let extractor = svm.extractor as? ONNXFeatureExtractor else { break }
      lines.append("network: \(network.file), input \(describe(extractor.model.inputs))")
      let pooling =
        extractor.tensorShape.count == 2 ? "" : ", \(extractor.pooling.rawValue) pooling"
      lines.append(
        "features: tensor \"\(extractor.tensor)\" \(extractor.tensorShape)\(pooling), "
          + "\(extractor.featureCount) per crop, scaled by \(svm.featureScale)")
      networkJSON["tensor"] = extractor.tensor
      networkJSON["tensor_shape"] = extractor.tensorShape
      networkJSON["pooling"] = extractor.pooling.rawValue
      networkJSON["feature_count"] = extractor.featureCount
      networkJSON["feature_scale"] = svm.featureScale
    case let onnx as ONNXRegionClassifier:
      lines.append("network: \(network.file), input \(describe(onnx.model.inputs))")
      let how =
        onnx.outputKind == .logits
        ? "logits (no Softmax node produces it): softmax applied"
        : "probabilities (produced by a Softmax node): used as they are"
      lines.append("outputs: \"\(onnx.output)\" holds \(how)")
      let classes = Set(onnx.labels.columns)
      let columns = onnx.labels.labels.enumerated().map { column, label in
        let role =
          classes.contains(column)
          ? label
          : ClassifierLabels.isBackground(label) ? "background" : "background (extra label)"
        return "\(column) \(label) -> \(role)"
      }
      lines.append(
        "labels (\(network.labelsFile ?? ONNXNetworkSettings.defaultLabelsFile)): "
          + columns.joined(separator: ", "))
      networkJSON["output"] = onnx.output
      networkJSON["outputs"] = onnx.outputKind.rawValue
      networkJSON["softmax_applied"] = onnx.outputKind == .logits
      networkJSON["labels"] = onnx.labels.labels
      networkJSON["class_columns"] = onnx.labels.columns
      networkJSON["background_columns"] = onnx.labels.backgroundColumns
    default: break
    }
    lines.append("normalization: \(normalization)")
    json["network"] = networkJSON
    return (lines, json)
  }

  private static func describe(_ classes: [DetectorClass]) -> String {
    "classes: " + classes.map { "\($0.name) (id \($0.categoryID))" }.joined(separator: ", ")
  }

  private static func describe(_ n: InputNormalization) -> String {
    "\(n.channelOrder.rawValue), pixel range \(number(n.pixelRange)), "
      + "mean \(n.mean.map(number).joined(separator: ",")), "
      + "std \(n.std.map(number).joined(separator: ","))"
  }

  private static func object(_ n: InputNormalization) -> [String: Any] {
    [
      "channel_order": n.channelOrder.rawValue, "pixel_range": n.pixelRange, "mean": n.mean,
      "std": n.std,
    ]
  }

  /// `0.5`, `255`: a number without a trailing `.0`.
  private static func number(_ value: Float) -> String {
    value == value.rounded() && abs(value) < 1e6 ? "\(Int(value))" : "\(value)"
  }

  private static func object(_ classes: [DetectorClass]) -> [[String: Any]] {
    classes.map { ["name": $0.name, "category_id": $0.categoryID] }
  }

  private func describe(_ inputs: [ONNXValueInfo]) -> String {
    inputs.map {
      "\"\($0.name)\" [\($0.shape?.map(\.description).joined(separator: ", ") ?? "unknown")]"
    }.joined(separator: ", ")
  }
}
