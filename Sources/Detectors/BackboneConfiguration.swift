/// What a Fast or Faster R-CNN model folder records about its backbone (`"backbone"` in
/// `config.json`): the kind, for an ONNX network its file and the tensor it is cut at, the
/// stride and channels of the feature map, and whether it was frozen in training.
///
///     "backbone": {"kind": "onnx", "file": "backbone.onnx", "source": "resnet18.onnx",
///                  "tensor": "/layer2/layer2.1/relu_1/Relu_output_0", "stride": 8,
///                  "channels": 128, "frozen": true}
///
/// Folders written before backbones were pluggable have no `"backbone"`: they hold the small
/// CNN, which is what ``smallCNN(channels:)`` describes.
public struct BackboneConfiguration: Sendable, Hashable, Codable {
  /// The kinds of backbone a model folder can hold.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// ``DetectionBackbone``, RegionKit's small CNN (``FastRCNNConfiguration/backboneChannels``).
    case smallCNN = "small-cnn"
    /// An ONNX network cut at a tensor: ``ONNXBackbone`` when frozen, ``TrainableONNXBackbone``
    /// when fine-tuned.
    case onnx
    /// A Swift type of the user's, given again when the model is loaded
    /// (``DetectorModel/loadFasterRCNN(from:configuration:backbone:)``).
    case custom
  }

  /// The kind.
  public var kind: Kind
  /// ONNX: the network's file in the model folder (``ONNXBackbone/fileName``); nil otherwise.
  public var file: String?
  /// ONNX: the name of the file the network was copied from (for information); nil otherwise.
  public var source: String?
  /// ONNX: the tensor the network is cut at; nil otherwise.
  public var tensor: String?
  /// Custom: the Swift type's name (for information and error messages); nil otherwise.
  public var typeName: String?
  /// The stride of the feature map, in input pixels.
  public var stride: Int
  /// The channels of the feature map.
  public var channels: Int
  /// Whether the backbone's weights stayed as they were while the heads trained.
  public var isFrozen: Bool
  /// ONNX: the fixed input height and width the network declares, nil when it runs on any
  /// size.
  public var inputSize: [Int]?

  enum CodingKeys: String, CodingKey {
    case kind, file, source, tensor, stride, channels, inputSize
    case typeName = "type"
    case isFrozen = "frozen"
  }

  /// Creates a description; every parameter is the property of the same name.
  public init(
    kind: Kind, file: String? = nil, source: String? = nil, tensor: String? = nil,
    typeName: String? = nil, stride: Int, channels: Int, isFrozen: Bool = false,
    inputSize: [Int]? = nil
  ) {
    self.kind = kind
    self.file = file
    self.source = source
    self.tensor = tensor
    self.typeName = typeName
    self.stride = stride
    self.channels = channels
    self.isFrozen = isFrozen
    self.inputSize = inputSize
  }

  /// The small CNN with these convolution channels, trained with the heads.
  public static func smallCNN(channels: [Int]) -> BackboneConfiguration {
    BackboneConfiguration(
      kind: .smallCNN, stride: DetectionBackbone.stride(channels: channels.count),
      channels: channels.last ?? 3)
  }

  /// A description of `backbone` of a kind other than ONNX (a ``DetectionBackbone``, or a
  /// user's type as ``Kind/custom``).
  ///
  /// - Parameters:
  ///   - backbone: The backbone.
  ///   - frozen: Whether it stays as it is in training. Default: `false`.
  public static func describing(_ backbone: any Backbone, frozen: Bool = false)
    -> BackboneConfiguration
  {
    if let onnx = backbone as? ONNXBackbone { return onnx.configuration(frozen: true) }
    if let onnx = backbone as? TrainableONNXBackbone { return onnx.configuration(frozen: frozen) }
    if let small = backbone as? DetectionBackbone {
      var description = smallCNN(channels: small.channels)
      description.isFrozen = frozen
      return description
    }
    return BackboneConfiguration(
      kind: .custom, typeName: "\(type(of: backbone))", stride: backbone.stride,
      channels: backbone.outputChannels, isFrozen: frozen || !(backbone is any TrainableBackbone))
  }

  /// One line for people: `onnx resnet18.onnx cut at "…" (stride 8, 128 channels, frozen)`.
  public var summary: String {
    let what: String
    switch kind {
    case .smallCNN: what = "small CNN"
    case .onnx: what = "onnx \(source ?? file ?? "?") cut at \"\(tensor ?? "?")\""
    case .custom: what = "custom \(typeName ?? "Swift type")"
    }
    let size = inputSize.map { ", input \($0.map(String.init).joined(separator: "x"))" } ?? ""
    return "\(what) (stride \(stride), \(channels) channels\(size), "
      + "\(isFrozen ? "frozen" : "trained with the heads"))"
  }

  /// Checks the values against each other and against the small CNN's channels.
  ///
  /// - Parameters:
  ///   - check: The file for errors.
  ///   - smallCNNChannels: ``FastRCNNConfiguration/backboneChannels``.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  package func validate(_ check: ConfigurationCheck, smallCNNChannels: [Int]) throws {
    try check.integer("backbone.stride", stride, in: 1...1024)
    try check.integer("backbone.channels", channels, in: 1...65_536)
    switch kind {
    case .smallCNN:
      let expected = Self.smallCNN(channels: smallCNNChannels)
      guard stride == expected.stride else {
        throw check.fail(
          "backbone.stride", "\(stride)", allowed: "\(expected.stride) (from backboneChannels)")
      }
      guard channels == expected.channels else {
        throw check.fail(
          "backbone.channels", "\(channels)",
          allowed: "\(expected.channels) (from backboneChannels)")
      }
      guard !isFrozen else {
        throw check.fail(
          "backbone.frozen", "true", allowed: "false for the small CNN (its weights start random)")
      }
    case .onnx:
      guard let file, !file.isEmpty, !file.contains("/"), !file.hasPrefix(".") else {
        throw check.fail(
          "backbone.file", file.map { "\"\($0)\"" } ?? "missing",
          allowed: "the name of an .onnx file in the model folder")
      }
      guard let tensor, !tensor.isEmpty else {
        throw check.fail("backbone.tensor", "missing", allowed: "the name of a tensor")
      }
    case .custom:
      break
    }
    if let inputSize {
      try check.integers("backbone.inputSize", inputSize, count: 2...2, in: 1...16_384)
    }
  }
}
