import Foundation
import NeuralNet
import ONNX

/// A classifier trained (and fine-tuned) elsewhere, exported to ONNX, as R-CNN's region
/// classifier: each warped crop is normalised for the network, run through it, and its output
/// columns are mapped to the detector's classes and the background by a labels file
/// (``ClassifierLabels``).
///
/// Outputs: the network's output `[R, L]` (or `[R, L, 1, 1]`) has one column per label. When
/// the output is produced by a `Softmax` node (directly, or through `Identity`, `Reshape`,
/// `Flatten`, `Squeeze`, `Unsqueeze` or `Dropout` nodes) its values are taken as
/// probabilities; otherwise they are logits and a softmax over the `L` columns is applied
/// (``outputKind``, shown by `regionkit model info` on the model folder). Probabilities of
/// background and extra labels add up to the background column. No box deltas: detections
/// keep their proposal boxes.
///
///     let network = try ONNXModel(contentsOf: URL(fileURLWithPath: "classifier.onnx"))
///     let classifier = try ONNXRegionClassifier(
///       model: network, labels: try ClassifierLabels.read(contentsOf: labelsURL),
///       classes: ["cat", "dog"], cropSize: 224, labelsFile: "labels.txt")
///     let rcnn = RCNN(classifier: classifier, inputSize: 224)
public struct ONNXRegionClassifier: RegionClassifier {
  /// How the network's output values are read.
  public enum OutputKind: String, Sendable, Hashable, CaseIterable {
    /// Unnormalised scores: a softmax over the labels turns them into probabilities.
    case logits
    /// Produced by a `Softmax` node: used as they are.
    case probabilities
  }

  /// The network.
  public let model: ONNXModel
  /// The output read (a graph output or an intermediate tensor).
  public let output: String
  /// The label of each output column, matched to the classes.
  public let labels: ClassifierLabels
  /// Whether the output holds logits (softmax applied here) or probabilities.
  public let outputKind: OutputKind
  /// How crops are normalised for the network.
  public let normalization: InputNormalization
  /// The crop side the classifier was checked for.
  public let cropSize: Int

  /// Checks the network on `cropSize` crops against the labels and classes.
  ///
  /// - Parameters:
  ///   - model: The network.
  ///   - output: The tensor holding the scores. Default: nil, the first graph output.
  ///   - labels: One label per output column (see ``ClassifierLabels``).
  ///   - classes: The detector's class names, label order.
  ///   - normalization: How crops are normalised. Default: ``InputNormalization/imageNet``.
  ///   - cropSize: The side of the crops, in pixels.
  ///   - labelsFile: The labels file, for errors. Default: `labels.txt`.
  /// - Throws: ``DetectorsError/invalidLabels(file:reason:)`` when the labels do not fit the
  ///   classes or the number of output columns; ``DetectorsError/invalidValue(file:key:value:allowed:)``
  ///   when the network declares another crop size; ``/ONNX/ONNXError`` when the graph has no
  ///   such output or cannot take the crops.
  public init(
    model: ONNXModel, output: String? = nil, labels: [String], classes: [String],
    normalization: InputNormalization = .imageNet, cropSize: Int,
    labelsFile: String = "labels.txt"
  ) throws {
    guard let name = output ?? model.outputs.first?.name else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn onnx", reason: "\(model.file) has no graph output; name a tensor")
    }
    let shape = try model.shape(of: name, cropSize: cropSize)
    let width = shape.count >= 2 ? shape[1] : 0
    guard shape.count >= 2, shape[0] == 1, shape.dropFirst(2).allSatisfy({ $0 == 1 }) else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn onnx",
        reason: "output \"\(name)\" of \(model.file) has shape \(shape) for one crop; a "
          + "classifier's output is [N, labels]")
    }
    guard width == labels.count else {
      throw DetectorsError.invalidLabels(
        file: labelsFile,
        reason: "it names \(labels.count) labels, output \"\(name)\" of \(model.file) has "
          + "\(width) columns")
    }
    self.labels = try ClassifierLabels(labels: labels, classes: classes, file: labelsFile)
    self.model = model
    self.output = name
    self.outputKind = Self.outputKind(of: name, in: model)
    self.normalization = normalization
    self.cropSize = cropSize
  }

  /// The classes, label order.
  public var classes: [String] { labels.classes }

  /// Whether `tensor` of `model` holds probabilities: the output of a `Softmax` node, possibly
  /// through nodes that only reshape or pass values on; logits otherwise.
  public static func outputKind(of tensor: String, in model: ONNXModel) -> OutputKind {
    let passThrough: Set<String> = [
      "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Dropout",
    ]
    var name = tensor
    for _ in 0..<64 {
      guard let producer = model.producer(of: name) else { return .logits }
      if producer.op == "Softmax" { return .probabilities }
      guard passThrough.contains(producer.op), let input = producer.inputs.first else {
        return .logits
      }
      name = input
    }
    return .logits
  }

  /// Probabilities of `[R, 3, S, S]` crops (RGB in `[0, 1]`); see the type's documentation.
  ///
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` for crops of
  ///   another shape or a network answering with another shape; ``/ONNX/ONNXError`` from the
  ///   network.
  /// - Complexity: one forward pass of the network.
  public func classify(_ regions: Tensor) throws -> RegionClassification {
    guard regions.rank == 4, regions.shape[1] == 3, regions.shape[2] == cropSize,
      regions.shape[3] == cropSize
    else {
      throw DetectorsError.malformedClassification(
        classifier: "ONNXRegionClassifier",
        reason: "crops have shape \(regions.shape), expected [R, 3, \(cropSize), \(cropSize)]")
    }
    let count = regions.shape[0], width = labels.labels.count
    guard count > 0 else {
      return RegionClassification(probabilities: Tensor(zeros: [0, classes.count + 1]))
    }
    let scores = try model.run(normalization.apply(to: regions), output: output)
    guard scores.shape.first == count, scores.data.count == count * width else {
      throw DetectorsError.malformedClassification(
        classifier: "ONNXRegionClassifier",
        reason: "\(model.file) output \"\(output)\" has shape \(scores.shape) for \(count) "
          + "crops, expected [\(count), \(width)]")
    }
    var probabilities = Tensor(shape: [count, width], data: scores.data)
    if outputKind == .logits {
      for r in 0..<count {
        let row = (r * width)..<((r + 1) * width)
        let peak = probabilities.data[row].max() ?? 0
        var sum: Float = 0
        for index in row {
          let e = expf(probabilities.data[index] - peak)
          probabilities.data[index] = e
          sum += e
        }
        for index in row { probabilities.data[index] /= sum }
      }
    }
    return RegionClassification(probabilities: labels.map(probabilities))
  }
}
