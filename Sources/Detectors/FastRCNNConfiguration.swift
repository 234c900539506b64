import Foundation
import NeuralNet

/// Everything that defines a Fast or Faster R-CNN model folder (`config.json`): the classes,
/// the input scale and normalisation, the backbone, the network sizes, the sampling and loss
/// settings.
///
/// Defaults suit 128x128 synthetic scenes (objects 19–58 px): the backbone has stride 8
/// (a 16x16 feature map), anchors of 24, 40 and 64 px at ratios 0.5, 1 and 2. For raccoon
/// images downsized to a longer side of 256 use `maxSide: 256` and anchor sizes about
/// 48, 96 and 192 (the anchors should span the object sizes in the downsized images).
public struct FastRCNNConfiguration: Sendable, Hashable, Codable {
  /// The model folder format (``ModelFolder/currentFormat``).
  public var format: Int = ModelFolder.currentFormat
  /// The architecture, ``DetectorArchitecture/fastRCNN`` or ``DetectorArchitecture/fasterRCNN``.
  public var architecture: DetectorArchitecture
  /// The object classes (without background), in label order, with their category ids.
  public var classes: [DetectorClass]
  /// How the model was trained.
  public var training = TrainingSettings(batchSize: 2)
  /// Images are resized so that their longer side is this many pixels. Default: 128. A
  /// backbone with a fixed input size needs the larger of its height and width here; images
  /// are then padded to that size at the bottom and right.
  public var maxSide: Int = 128
  /// How images are normalised for the backbone (`"normalization"`): channel order, pixel
  /// range, mean and std. Default: ``InputNormalization/regionKit`` (RGB in [0, 1], mean 0.5,
  /// std 0.25), the small CNN's; ``InputNormalization/imageNet`` suits most networks trained
  /// elsewhere. Folders written before this key have `"mean"` and `"std"` (RGB in [0, 1]).
  public var normalization: InputNormalization = .regionKit
  /// The backbone (`"backbone"`): its kind, stride, channels, whether it was frozen, and for
  /// an ONNX network its file and tensor. Default: the small CNN of ``backboneChannels``.
  /// Folders written before this key hold the small CNN.
  public var backbone: BackboneConfiguration = .smallCNN(channels: [16, 32, 64, 64])
  /// The small CNN's output channels of its convolutions (3x3, ReLU, the first three followed
  /// by 2x2 max pooling: stride 8). Default: 16, 32, 64, 64. Setting them while ``backbone``
  /// is the small CNN updates its stride and channels.
  public var backboneChannels: [Int] = [16, 32, 64, 64] {
    didSet {
      if backbone.kind == .smallCNN { backbone = .smallCNN(channels: backboneChannels) }
    }
  }
  /// RoI pooling: `"align"` (RoIAlign, sampling ratio 2) or `"pool"` (RoIPool). Default: align.
  public var pooling: String = "align"
  /// Pooled output side. Default: 7.
  public var pooledSize: Int = 7
  /// Width of the two fully connected layers of the RoI head. Default: 256.
  public var hiddenSize: Int = 256
  /// Localisation loss of the head (smooth L1 with beta 1 by default, Girshick 2015).
  public var boxLoss: BoxRegressionLoss = .smoothL1(beta: 1)
  /// Weight of the classification loss. Default: 1.
  public var classificationWeight: Float = 1
  /// Weight λ of the localisation loss. Default: 1.
  public var boxWeight: Float = 1
  /// Head sampling: RoIs per image (64), foreground share (0.25), foreground IoU (0.5),
  /// background IoU interval [backgroundLow, foregroundIoU) with backgroundLow 0.1.
  public var roisPerImage: Int = 64
  public var foregroundFraction: Float = 0.25
  public var foregroundIoU: Float = 0.5
  public var backgroundLow: Float = 0.1
  /// Anchor sizes in pixels of the resized image and aspect ratios (height / width).
  public var anchorSizes: [Float] = [24, 40, 64]
  public var aspectRatios: [Float] = [0.5, 1, 2]
  /// RPN matching (0.7 / 0.3), sample (256 anchors, 50% positive).
  public var rpnPositiveIoU: Float = 0.7
  public var rpnNegativeIoU: Float = 0.3
  public var rpnSampleCount: Int = 256
  public var rpnPositiveFraction: Float = 0.5
  /// Proposals kept before and after the RPN's NMS in training and in testing.
  public var rpnPreNMSTrain: Int = 1000
  public var rpnPostNMSTrain: Int = 300
  public var rpnPreNMSTest: Int = 500
  public var rpnPostNMSTest: Int = 100
  /// IoU of the RPN's NMS. Default: 0.7.
  public var rpnNMSThreshold: Double = 0.7
  /// Proposals whose objectness probability is below this are discarded (0 keeps all; the
  /// brief's option is 0.5).
  public var rpnScoreThreshold: Float = 0
  /// Proposals with a side below this many pixels are removed. Default: 1.
  public var rpnMinSize: Float = 1
  /// Weight of the RPN's two losses in Faster R-CNN's sum. Default: 1.
  public var rpnWeight: Float = 1
  /// Proposals per image from the proposal generator of Fast R-CNN (training and testing).
  public var maxProposals: Int = 500
  /// The proposal method of Fast R-CNN (a `regionkit propose` method name).
  public var proposalMethod: String = "selective-search"

  /// Creates a configuration with the defaults above.
  public init(architecture: DetectorArchitecture, classes: [DetectorClass]) {
    self.architecture = architecture
    self.classes = classes
  }

  /// The class names, in label order.
  public var classNames: [String] { classes.map(\.name) }

  enum CodingKeys: String, CodingKey {
    case format, architecture, classes, training, maxSide, normalization, backbone
    case backboneChannels, pooling, pooledSize, hiddenSize, boxLoss, classificationWeight
    case boxWeight, roisPerImage, foregroundFraction, foregroundIoU, backgroundLow, anchorSizes
    case aspectRatios, rpnPositiveIoU, rpnNegativeIoU, rpnSampleCount, rpnPositiveFraction
    case rpnPreNMSTrain, rpnPostNMSTrain, rpnPreNMSTest, rpnPostNMSTest, rpnNMSThreshold
    case rpnScoreThreshold, rpnMinSize, rpnWeight, maxProposals, proposalMethod
  }

  /// The keys of folders written before normalisations and backbones were options.
  enum LegacyKeys: String, CodingKey {
    case mean, std
  }

  /// Reads a configuration; a folder without `"normalization"` and `"backbone"` (written
  /// before they were options) has the small CNN and `"mean"` and `"std"` of RGB in [0, 1].
  public init(from decoder: any Decoder) throws {
    let values = try decoder.container(keyedBy: CodingKeys.self)
    format = try values.decode(Int.self, forKey: .format)
    architecture = try values.decode(DetectorArchitecture.self, forKey: .architecture)
    classes = try values.decode([DetectorClass].self, forKey: .classes)
    training = try values.decode(TrainingSettings.self, forKey: .training)
    maxSide = try values.decode(Int.self, forKey: .maxSide)
    backboneChannels = try values.decode([Int].self, forKey: .backboneChannels)
    if let normalization = try values.decodeIfPresent(
      InputNormalization.self, forKey: .normalization)
    {
      self.normalization = normalization
    } else {
      let legacy = try decoder.container(keyedBy: LegacyKeys.self)
      guard legacy.contains(.mean) || legacy.contains(.std) else {
        throw DecodingError.keyNotFound(
          CodingKeys.normalization,
          .init(
            codingPath: decoder.codingPath,
            debugDescription: "no \"normalization\" (nor the \"mean\" and \"std\" of older folders)"
          ))
      }
      normalization = InputNormalization(
        mean: try legacy.decode([Float].self, forKey: .mean),
        std: try legacy.decode([Float].self, forKey: .std))
    }
    backbone =
      try values.decodeIfPresent(BackboneConfiguration.self, forKey: .backbone)
      ?? .smallCNN(channels: backboneChannels)
    pooling = try values.decode(String.self, forKey: .pooling)
    pooledSize = try values.decode(Int.self, forKey: .pooledSize)
    hiddenSize = try values.decode(Int.self, forKey: .hiddenSize)
    boxLoss = try values.decode(BoxRegressionLoss.self, forKey: .boxLoss)
    classificationWeight = try values.decode(Float.self, forKey: .classificationWeight)
    boxWeight = try values.decode(Float.self, forKey: .boxWeight)
    roisPerImage = try values.decode(Int.self, forKey: .roisPerImage)
    foregroundFraction = try values.decode(Float.self, forKey: .foregroundFraction)
    foregroundIoU = try values.decode(Float.self, forKey: .foregroundIoU)
    backgroundLow = try values.decode(Float.self, forKey: .backgroundLow)
    anchorSizes = try values.decode([Float].self, forKey: .anchorSizes)
    aspectRatios = try values.decode([Float].self, forKey: .aspectRatios)
    rpnPositiveIoU = try values.decode(Float.self, forKey: .rpnPositiveIoU)
    rpnNegativeIoU = try values.decode(Float.self, forKey: .rpnNegativeIoU)
    rpnSampleCount = try values.decode(Int.self, forKey: .rpnSampleCount)
    rpnPositiveFraction = try values.decode(Float.self, forKey: .rpnPositiveFraction)
    rpnPreNMSTrain = try values.decode(Int.self, forKey: .rpnPreNMSTrain)
    rpnPostNMSTrain = try values.decode(Int.self, forKey: .rpnPostNMSTrain)
    rpnPreNMSTest = try values.decode(Int.self, forKey: .rpnPreNMSTest)
    rpnPostNMSTest = try values.decode(Int.self, forKey: .rpnPostNMSTest)
    rpnNMSThreshold = try values.decode(Double.self, forKey: .rpnNMSThreshold)
    rpnScoreThreshold = try values.decode(Float.self, forKey: .rpnScoreThreshold)
    rpnMinSize = try values.decode(Float.self, forKey: .rpnMinSize)
    rpnWeight = try values.decode(Float.self, forKey: .rpnWeight)
    maxProposals = try values.decode(Int.self, forKey: .maxProposals)
    proposalMethod = try values.decode(String.self, forKey: .proposalMethod)
  }

  /// Checks every value against what the networks need.
  ///
  /// - Parameter file: The `config.json` the values came from, for the error.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  public func validate(file: String) throws {
    let check = ConfigurationCheck(file: file)
    try check.classes(classes)
    try check.integer("maxSide", maxSide, in: 32...4096)
    try normalization.validate(check, key: "normalization")
    try check.integers("backboneChannels", backboneChannels, count: 1...8, in: 1...2048)
    try backbone.validate(check, smallCNNChannels: backboneChannels)
    if let size = backbone.inputSize, size.count == 2 {
      guard maxSide == size.max() else {
        throw check.fail(
          "maxSide", "\(maxSide)",
          allowed: "\(size.max()!), the larger side of the backbone's fixed input size "
            + "\(size[0])x\(size[1])")
      }
      guard training.scaleJitter == nil else {
        throw check.fail(
          "training.scaleJitter", "\(training.scaleJitter!)",
          allowed: "none: the backbone takes a fixed input size")
      }
    }
    try check.choice("pooling", pooling, in: ["align", "pool"])
    try check.integer("pooledSize", pooledSize, in: 1...32)
    try check.integer("hiddenSize", hiddenSize, in: 1...16_384)
    try check.number("classificationWeight", Double(classificationWeight), in: 0...1000)
    try check.number("boxWeight", Double(boxWeight), in: 0...1000)
    try check.integer("roisPerImage", roisPerImage, in: 1...8192)
    try check.number("foregroundFraction", Double(foregroundFraction), in: 0...1)
    try check.number("foregroundIoU", Double(foregroundIoU), in: 0...1)
    guard backgroundLow.isFinite, (0...foregroundIoU).contains(backgroundLow) else {
      throw check.fail(
        "backgroundLow", "\(backgroundLow)", allowed: "0 to foregroundIoU (\(foregroundIoU))")
    }
    try check.numbers("anchorSizes", anchorSizes, count: 1...16, in: 1...8192)
    try check.numbers("aspectRatios", aspectRatios, count: 1...16, in: 0.01...100)
    try check.number("rpnPositiveIoU", Double(rpnPositiveIoU), in: 0...1)
    guard rpnNegativeIoU.isFinite, (0...rpnPositiveIoU).contains(rpnNegativeIoU) else {
      throw check.fail(
        "rpnNegativeIoU", "\(rpnNegativeIoU)", allowed: "0 to rpnPositiveIoU (\(rpnPositiveIoU))")
    }
    try check.integer("rpnSampleCount", rpnSampleCount, in: 1...65_536)
    try check.number("rpnPositiveFraction", Double(rpnPositiveFraction), in: 0...1)
    for (key, value) in [
      ("rpnPreNMSTrain", rpnPreNMSTrain), ("rpnPostNMSTrain", rpnPostNMSTrain),
      ("rpnPreNMSTest", rpnPreNMSTest), ("rpnPostNMSTest", rpnPostNMSTest),
      ("maxProposals", maxProposals),
    ] {
      try check.integer(key, value, in: 1...100_000)
    }
    try check.number("rpnNMSThreshold", rpnNMSThreshold, in: 0...1)
    try check.number("rpnScoreThreshold", Double(rpnScoreThreshold), in: 0...1)
    try check.number("rpnMinSize", Double(rpnMinSize), in: 0...8192)
    try check.number("rpnWeight", Double(rpnWeight), in: 0...1000)
    try boxLoss.validate(check)
    try training.validate(file: file)
  }

  /// The backbone's stride: the small CNN's (2 to the number of pooling layers, 8 with four
  /// convolutions), or the one ``backbone`` records.
  public var stride: Int {
    backbone.kind == .smallCNN
      ? DetectionBackbone.stride(channels: backboneChannels.count) : backbone.stride
  }

  /// The channels of the backbone's feature map.
  public var featureChannels: Int {
    backbone.kind == .smallCNN ? (backboneChannels.last ?? 3) : backbone.channels
  }
}
