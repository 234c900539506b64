import Foundation
import NeuralNet
import ONNX

/// A network trained elsewhere, exported to ONNX and cut at a named tensor, as a frozen
/// ``Backbone``: RegionKit's ONNX importer runs the graph up to that tensor.
///
/// The stride and channels of the feature map come from the importer's shape inference
/// (`regionkit model info MODEL.onnx` lists every tensor with its shape and stride). Without a
/// tensor name, the last 4-D tensor with a stride is taken: for a classification network that
/// is the output of its last convolutional stage, before global pooling.
///
///     let backbone = try ONNXBackbone(
///       contentsOf: URL(fileURLWithPath: "resnet18.onnx"),
///       tensor: "/layer3/layer3.1/relu_1/Relu_output_0")
///     print(backbone.stride, backbone.outputChannels)   // 16 256
///     var configuration = FastRCNNConfiguration(architecture: .fastRCNN, classes: classes)
///     configuration.backbone = backbone.configuration(frozen: true)
///     configuration.normalization = .imageNet
///     let detector = FastRCNN(configuration: configuration, backbone: backbone, seed: 1)
///
/// Frozen, its features need no activations kept for a backward pass. To fine-tune the
/// network with the heads, ``trainable()`` rebuilds the same function from NeuralNet layers.
public struct ONNXBackbone: Backbone {
  /// The name of the network's copy in a model folder: `backbone.onnx`.
  public static let fileName = "backbone.onnx"

  /// The `.onnx` file.
  public let url: URL
  /// The loaded network.
  public let model: ONNXModel
  /// The tensor the network is cut at.
  public let tensor: String
  public let stride: Int
  public let outputChannels: Int
  /// The fixed input height and width the network declares, nil when it runs on any size.
  public let inputSize: SpatialPair?
  /// Side files holding weights, relative to the file's folder (copied along with it).
  public let externalDataFiles: [String]
  /// The smallest height and width of an input the network runs on up to ``tensor`` (a
  /// multiple of the stride); smaller inputs are padded with zeros at the bottom and right.
  public let minimumInputSide: Int
  /// The input shape the shapes were inferred for (`[1, 3, H, W]`).
  let probeShape: [Int]

  /// Loads a network and cuts it at `tensor`.
  ///
  /// - Parameters:
  ///   - url: The `.onnx` file (its external-data files next to it).
  ///   - tensor: The tensor to cut at. Default: nil, the last 4-D tensor with a stride.
  ///   - probeSide: The side of the square input the shapes are inferred for when the network
  ///     runs on any size (the images' longer side, ``FastRCNNConfiguration/maxSide``).
  ///     Default: `224`.
  /// - Throws: ``/ONNX/ONNXError`` for files the importer cannot read or run;
  ///   ``DetectorsError/invalidBackbone(file:reason:)`` when the network does not take one
  ///   3-channel image, has no tensor of that name, or the tensor is not a 4-D feature map
  ///   computed from the image with one stride on both axes.
  public init(contentsOf url: URL, tensor: String? = nil, probeSide: Int = 224) throws {
    let summary = try ONNXModelSummary(contentsOf: url)
    let model = try ONNXModel(summary)
    let file = url.path
    func fail(_ reason: String) -> DetectorsError {
      DetectorsError.invalidBackbone(file: file, reason: reason)
    }
    guard model.inputs.count == 1, let input = model.inputs.first else {
      throw fail("it has \(model.inputs.count) inputs; a backbone takes one image")
    }
    var probe = [1, 3, probeSide, probeSide]
    var fixed: SpatialPair?
    if let declared = input.shape {
      guard declared.count == 4 else {
        throw fail("its input \"\(input.name)\" has shape \(declared); expected [N, 3, H, W]")
      }
      if let channels = declared[1].size, channels != 3 {
        throw fail("its input \"\(input.name)\" has \(channels) channels; expected 3 (RGB or BGR)")
      }
      if let height = declared[2].size, let width = declared[3].size {
        fixed = SpatialPair(height: height, width: width)
        probe = [1, 3, height, width]
      } else if declared[2].size != nil || declared[3].size != nil {
        throw fail(
          "its input \"\(input.name)\" fixes one side only (\(declared)); expected both or neither")
      }
    }
    let chosen: ONNXTensorShape
    if let tensor {
      // Only the part up to the tensor is planned: later layers may fix the input size.
      let shapes: [ONNXTensorShape]
      do {
        shapes = try model.shapes(forInputShape: probe, upTo: tensor)
      } catch ONNXError.unknownTensor {
        throw fail(
          "it has no tensor named \"\(tensor)\" (`regionkit model info "
            + "\(url.lastPathComponent)` lists the tensors with their shapes and strides)")
      }
      guard let found = shapes.first(where: { $0.name == tensor }), !found.isConstant else {
        throw fail("tensor \"\(tensor)\" is a constant of the network, not computed from the image")
      }
      chosen = found
    } else {
      // The whole graph is planned first, for its errors; a network whose later layers fix
      // the input size is then searched from its end.
      let whole = Result { try model.shapes(forInputShape: probe) }
      let last =
        (try? whole.get())?.last(where: {
          !$0.isConstant && $0.shape.count == 4 && $0.stride != nil && $0.name != input.name
        }) ?? model.lastFeatureMap(forInputShape: probe)
      guard let last else {
        _ = try whole.get()
        throw fail("no tensor is a 4-D feature map computed from the image")
      }
      chosen = last
    }
    guard chosen.name != input.name else {
      throw fail("tensor \"\(chosen.name)\" is the network's input, not a feature map")
    }
    guard chosen.shape.count == 4, chosen.shape[0] == 1 else {
      throw fail(
        "tensor \"\(chosen.name)\" has shape \(chosen.shape) for input \(probe); a backbone "
          + "needs an [N, C, H, W] feature map")
    }
    guard let stride = chosen.stride else {
      throw fail(
        "tensor \"\(chosen.name)\" has no stride: it is not computed from the image through "
          + "convolutions, pools and element-wise operations")
    }
    guard stride.height == stride.width else {
      throw fail(
        "tensor \"\(chosen.name)\" has stride \(stride.height) down and \(stride.width) across; "
          + "RoI pooling needs one stride")
    }
    self.url = url
    self.model = model
    self.tensor = chosen.name
    self.stride = stride.height
    self.outputChannels = chosen.shape[1]
    self.inputSize = fixed
    self.externalDataFiles = summary.externalDataFiles
    self.probeShape = probe
    self.minimumInputSide =
      fixed == nil
      ? Self.minimumSide(model, tensor: chosen.name, stride: stride.height, limit: probeSide)
      : 1
  }

  /// The smallest side, a multiple of the stride, of a square input the network runs on up to
  /// `tensor`.
  static func minimumSide(_ model: ONNXModel, tensor: String, stride: Int, limit: Int) -> Int {
    var side = stride
    while side < limit {
      if (try? model.shapes(forInputShape: [1, 3, side, side], upTo: tensor)) != nil {
        return side
      }
      side += stride
    }
    return limit
  }

  public func features(_ input: Tensor) throws -> Tensor {
    try model.run(input.paddedBottomRight(toAtLeast: minimumInputSide), output: tensor)
  }

  /// The description a model folder records, the network copied as ``fileName``.
  ///
  /// - Parameter frozen: Whether the backbone stays as it is in training.
  public func configuration(frozen: Bool) -> BackboneConfiguration {
    BackboneConfiguration(
      kind: .onnx, file: Self.fileName, source: url.lastPathComponent, tensor: tensor,
      stride: stride, channels: outputChannels, isFrozen: frozen,
      inputSize: inputSize.map { [$0.height, $0.width] })
  }

  /// The same network rebuilt from NeuralNet layers, which have backward passes, to be
  /// fine-tuned with the heads.
  ///
  /// Every node up to ``tensor`` must have a NeuralNet counterpart: `Conv`,
  /// `BatchNormalization` (folded into the convolution before it, or a ``/NeuralNet/ChannelAffine``),
  /// `Relu`, `LeakyRelu`, `Clip`, `MaxPool`, `AveragePool`, `Add` of two tensors of one shape
  /// (residual connections), `Identity` and `Dropout`.
  ///
  /// - Throws: ``DetectorsError/untrainableBackbone(file:node:op:reason:)`` naming the first
  ///   node without one.
  public func trainable() throws -> TrainableONNXBackbone {
    try TrainableONNXBackbone(self)
  }

  /// Copies the network and its external-data files into `folder` (``fileName`` and the
  /// files' own relative paths); nothing to do when it already is the folder's copy.
  ///
  /// - Throws: ``DetectorsError/unwritableFile(file:reason:)``;
  ///   ``DetectorsError/invalidValue(file:key:value:allowed:)`` when an external-data file
  ///   would overwrite a file of the model folder.
  public func copy(into folder: URL) throws {
    try ModelFolder.copyNetwork(
      url, externalDataFiles: externalDataFiles, as: Self.fileName, into: folder)
  }

  /// The backbone a model folder records: its copy of the network, cut at the recorded
  /// tensor, checked against the recorded stride and channels.
  ///
  /// - Parameters:
  ///   - description: The folder's ``FastRCNNConfiguration/backbone`` (kind ``BackboneConfiguration/Kind/onnx``).
  ///   - folder: The model folder.
  ///   - probeSide: As in ``init(contentsOf:tensor:probeSide:)``.
  /// - Throws: ``DetectorsError/missingModelFile(folder:file:)`` without the file;
  ///   ``DetectorsError/invalidBackbone(file:reason:)`` when it no longer matches; ``/ONNX/ONNXError``.
  public static func load(
    _ description: BackboneConfiguration, in folder: URL, probeSide: Int
  ) throws -> ONNXBackbone {
    let name = description.file ?? fileName
    let url = folder.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw DetectorsError.missingModelFile(folder: folder.path, file: name)
    }
    let backbone = try ONNXBackbone(
      contentsOf: url, tensor: description.tensor, probeSide: probeSide)
    let found = backbone.configuration(frozen: description.isFrozen)
    guard found.stride == description.stride, found.channels == description.channels,
      found.inputSize == description.inputSize
    else {
      throw DetectorsError.invalidBackbone(
        file: url.path,
        reason: "cut at \"\(backbone.tensor)\" it gives stride \(found.stride) and "
          + "\(found.channels) channels, but \(ModelFolder.configurationFile) records stride "
          + "\(description.stride) and \(description.channels) channels")
    }
    return backbone
  }
}
