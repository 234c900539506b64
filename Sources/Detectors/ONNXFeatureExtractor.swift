import NeuralNet
import ONNX

/// Features of warped crops from a network trained elsewhere, cut at a named tensor: R-CNN's
/// recipe (Girshick et al. 2014), which takes a pretrained CNN's pool5 or fc7 activations of
/// every proposal as the input of its class SVMs and box regressors.
///
/// Each batch of crops (RGB in `[0, 1]`) is normalised for the network by ``normalization``,
/// run up to ``tensor`` (``/ONNX/ONNXModel/run(_:output:)``, batch items on NeuralNet's
/// ``/NeuralNet/ComputeThreads``), and each item's activation becomes one vector: a 2-D
/// `[N, d]` tensor as it is; a tensor with spatial axes (`[N, C, H, W]`) by ``pooling``.
///
///     let network = try ONNXModel(contentsOf: URL(fileURLWithPath: "resnet50.onnx"))
///     let extractor = try ONNXFeatureExtractor(
///       model: network, tensor: "/avgpool/GlobalAveragePool_output_0", cropSize: 224)
///     let features = try extractor.features(of: crops)   // [R, 2048]
///
/// Results are identical for any thread count and batch size (the importer runs batch items
/// separately).
public struct ONNXFeatureExtractor: RegionFeatureExtractor {
  /// How an activation with spatial axes becomes a vector.
  public enum Pooling: String, Sendable, Hashable, Codable, CaseIterable {
    /// The mean over every axis after the channels: `[N, C, H, W]` gives `C` features. The
    /// default: the length does not depend on the crop size, and stays small enough for the
    /// ridge regressors (whose cost grows with the cube of the feature count).
    case average
    /// Every value, channels first: `[N, C, H, W]` gives `C·H·W` features, keeping where
    /// things are (R-CNN's pool5 features are `256·6·6 = 9216` values).
    case flatten
  }

  /// The network.
  public let model: ONNXModel
  /// The tensor cut at: a graph output or any intermediate tensor.
  public let tensor: String
  /// How a tensor with spatial axes becomes a vector. Default: ``Pooling/average``.
  public let pooling: Pooling
  /// How crops are normalised for the network. Default: ImageNet's
  /// (``InputNormalization/imageNet``).
  public let normalization: InputNormalization
  /// The crop side the extractor was checked for.
  public let cropSize: Int
  /// The shape of ``tensor`` for one crop (`[1, C]`, `[1, C, H, W]`, …).
  public let tensorShape: [Int]
  /// The number of features per crop.
  public let featureCount: Int

  /// Checks the network on `cropSize` crops and works out the feature count.
  ///
  /// - Parameters:
  ///   - model: The network.
  ///   - tensor: The tensor to cut at. Default: nil, the first graph output.
  ///   - pooling: How a tensor with spatial axes becomes a vector. Default: `.average`.
  ///   - normalization: How crops are normalised. Default: ``InputNormalization/imageNet``.
  ///   - cropSize: The side of the crops, in pixels.
  /// - Throws: ``/ONNX/ONNXError/unknownTensor(file:tensor:)`` for a tensor the graph lacks,
  ///   ``DetectorsError/invalidValue(file:key:value:allowed:)`` when the network declares another
  ///   crop size, ``DetectorsError/unsupportedInput(detector:reason:)`` for a network that does
  ///   not take one batch of RGB crops or a tensor without a batch axis.
  public init(
    model: ONNXModel, tensor: String? = nil, pooling: Pooling = .average,
    normalization: InputNormalization = .imageNet, cropSize: Int
  ) throws {
    guard let name = tensor ?? model.outputs.first?.name else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn onnx-features", reason: "\(model.file) has no graph output; name a tensor")
    }
    let shape = try model.shape(of: name, cropSize: cropSize)
    guard shape.count >= 2, shape[0] == 1 else {
      throw DetectorsError.unsupportedInput(
        detector: "rcnn onnx-features",
        reason: "tensor \"\(name)\" of \(model.file) has shape \(shape) for one crop; features "
          + "need a batch axis and at least one more")
    }
    self.model = model
    self.tensor = name
    self.pooling = pooling
    self.normalization = normalization
    self.cropSize = cropSize
    tensorShape = shape
    featureCount =
      shape.count == 2 || pooling == .flatten ? shape.dropFirst().reduce(1, *) : shape[1]
  }

  /// `"resnet50.onnx at \"layer4\" [1, 2048, 7, 7] (average-pooled, 2048 features)"`.
  public var summary: String {
    let how = tensorShape.count == 2 ? "" : pooling == .average ? "average-pooled, " : "flattened, "
    return "\(model.file) at \"\(tensor)\" \(tensorShape) (\(how)\(featureCount) features)"
  }

  /// The features of a batch of crops; see the type's documentation.
  ///
  /// - Parameter regions: `[R, 3, S, S]` with `S` = ``cropSize``, RGB in `[0, 1]`.
  /// - Returns: `[R, featureCount]`.
  /// - Throws: ``DetectorsError/malformedClassification(classifier:reason:)`` for crops of
  ///   another shape; the network's run errors (``/ONNX/ONNXError``).
  /// - Complexity: one forward pass of the network up to ``tensor``.
  public func features(of regions: Tensor) throws -> Tensor {
    guard regions.rank == 4, regions.shape[1] == 3, regions.shape[2] == cropSize,
      regions.shape[3] == cropSize
    else {
      throw DetectorsError.malformedClassification(
        classifier: "ONNXFeatureExtractor",
        reason: "crops have shape \(regions.shape), expected [R, 3, \(cropSize), \(cropSize)]")
    }
    let count = regions.shape[0]
    guard count > 0 else { return Tensor(zeros: [0, featureCount]) }
    let output = try model.run(normalization.apply(to: regions), output: tensor)
    if output.rank == 2 || pooling == .flatten {
      return Tensor(shape: [count, featureCount], data: output.data)
    }
    let channels = output.shape[1], plane = output.shape.dropFirst(2).reduce(1, *)
    var features = [Float](repeating: 0, count: count * channels)
    output.data.withUnsafeBufferPointer { values in
      for row in 0..<(count * channels) {
        var sum: Float = 0
        for index in (row * plane)..<((row + 1) * plane) { sum += values[index] }
        features[row] = sum / Float(plane)
      }
    }
    return Tensor(shape: [count, channels], data: features)
  }
}
