import Detectors
import Foundation

extension ModelInfo {
  /// Whether `url` is a model folder (it holds a `config.json`).
  static func isModelFolder(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
      && FileManager.default.fileExists(
        atPath: url.appendingPathComponent(ModelFolder.configurationFile).path)
  }

  /// Describes a model folder: its architecture and classes, and for Fast and Faster R-CNN
  /// the backbone (kind, file, tensor, stride, channels, frozen or not) and the input
  /// normalisation and size.
  func describeFolder(_ folder: URL) throws {
    let architecture = try ModelFolder.architecture(in: folder)
    var object: [String: Any] = ["folder": folder.path, "architecture": architecture.rawValue]
    var lines = ["model folder: \(folder.path)", "architecture: \(architecture.rawValue)"]
    if architecture == .fastRCNN || architecture == .fasterRCNN {
      let c = try ModelFolder.configuration(FastRCNNConfiguration.self, in: folder)
      let b = c.backbone, n = c.normalization
      lines.append("classes: \(c.classNames.joined(separator: ", "))")
      lines.append("backbone: \(b.summary)")
      if let file = b.file { lines.append("backbone file: \(file)") }
      let input =
        b.inputSize.map { "fixed \($0.map(String.init).joined(separator: "x")), images padded" }
        ?? "longer side \(c.maxSide)"
      lines.append("input: \(input)")
      lines.append(
        "normalization: \(n.channelOrder.rawValue), pixel range \(Self.number(n.pixelRange)), "
          + "mean \(n.mean.map(Self.number).joined(separator: ",")), "
          + "std \(n.std.map(Self.number).joined(separator: ","))")
      var backbone: [String: Any] = [
        "kind": b.kind.rawValue, "stride": b.stride, "channels": b.channels, "frozen": b.isFrozen,
      ]
      backbone["file"] = b.file
      backbone["source"] = b.source
      backbone["tensor"] = b.tensor
      backbone["type"] = b.typeName
      backbone["input_size"] = b.inputSize
      object["classes"] = c.classNames
      object["backbone"] = backbone
      object["max_side"] = c.maxSide
      object["normalization"] = [
        "channel_order": n.channelOrder.rawValue, "pixel_range": n.pixelRange, "mean": n.mean,
        "std": n.std,
      ]
    }
    if json {
      print(try JSONOutput.string(object))
    } else {
      lines.forEach { print($0) }
    }
  }

  /// `0.5`, `255`: a number without a trailing `.0`.
  static func number(_ value: Float) -> String {
    value == value.rounded() && abs(value) < 1e6 ? "\(Int(value))" : "\(value)"
  }
}
