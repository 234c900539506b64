import Foundation
import NeuralNet

/// Everything that defines a Fast or Faster R-CNN model folder (`config.json`): the classes,
/// the input scale, the network sizes, the sampling and loss settings.
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
  /// Images are resized so that their longer side is this many pixels. Default: 128.
  public var maxSide: Int = 128
  /// Per-channel normalisation mean and standard deviation of RGB values in [0, 1].
  public var mean: [Float] = [0.5, 0.5, 0.5]
  public var std: [Float] = [0.25, 0.25, 0.25]
  /// Output channels of the four backbone convolutions (3x3, ReLU, the first three followed
  /// by 2x2 max pooling: stride 8). Default: 16, 32, 64, 64.
  public var backboneChannels: [Int] = [16, 32, 64, 64]
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

  /// Checks every value against what the networks need.
  ///
  /// - Parameter file: The `config.json` the values came from, for the error.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  public func validate(file: String) throws {
    let check = ConfigurationCheck(file: file)
    try check.classes(classes)
    try check.integer("maxSide", maxSide, in: 32...4096)
    try check.numbers("mean", mean, count: 3...3, in: -10...10)
    try check.numbers("std", std, count: 3...3, in: 1e-6...100)
    try check.integers("backboneChannels", backboneChannels, count: 1...8, in: 1...2048)
    try check.choice("pooling", pooling, in: ["align", "pool"])
    try check.integer("pooledSize", pooledSize, in: 1...32)
    try check.integer("hiddenSize", hiddenSize, in: 1...16_384)
    try check.number("classificationWeight", Double(classificationWeight), in: 0...1000)
    try check.number("boxWeight", Double(boxWeight), in: 0...1000)
    try check.integer("roisPerImage", roisPerImage, in: 1...8192)
    try check.number("foregroundFraction", Double(foregroundFraction), in: 0...1)
    try check.number("foregroundIoU", Double(foregroundIoU), in: 0...1)
    try check.number("backgroundLow", Double(backgroundLow), in: 0...Double(foregroundIoU))
    try check.numbers("anchorSizes", anchorSizes, count: 1...16, in: 1...8192)
    try check.numbers("aspectRatios", aspectRatios, count: 1...16, in: 0.01...100)
    try check.number("rpnPositiveIoU", Double(rpnPositiveIoU), in: 0...1)
    try check.number("rpnNegativeIoU", Double(rpnNegativeIoU), in: 0...Double(rpnPositiveIoU))
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

  /// The backbone's stride (2 to the number of pooling layers, 8 with four convolutions).
  public var stride: Int { 1 << min(3, max(backboneChannels.count - 1, 0)) }
}
