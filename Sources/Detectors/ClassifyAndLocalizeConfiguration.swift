/// Everything needed to rebuild a ``ClassifyAndLocalize`` model and to read its outputs: the
/// contents of a model folder's `config.json`.
///
/// ```json
/// {"format": 2, "architecture": "classify-localize",
///  "classes": [{"name": "raccoon", "categoryID": 1}], "training": {"epochs": 30, ...},
///  "includesBackground": false, "inputWidth": 64, "inputHeight": 64,
///  "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "channels": [16, 32, 64, 64],
///  "hiddenFeatures": 128, "boxEncoding": "normalized-cxcywh",
///  "boxLoss": {"l1": {}}, "classificationWeight": 0.5, "boxWeight": 0.5}
/// ```
public struct ClassifyAndLocalizeConfiguration: Sendable, Hashable, Codable {
  /// The box encoding of the box head: `(cx, cy, w, h)` of the box divided by the image's
  /// width and height, so the whole image is `(0.5, 0.5, 1, 1)`. This is the only encoding.
  public static let normalizedCenterSize = "normalized-cxcywh"

  /// The model folder format (``ModelFolder/currentFormat``).
  public var format: Int = ModelFolder.currentFormat
  /// Always ``DetectorArchitecture/classifyLocalize``.
  public var architecture: DetectorArchitecture = .classifyLocalize
  /// The object classes (without background), in label order, with their category ids.
  public var classes: [DetectorClass]
  /// How the model was trained.
  public var training = TrainingSettings()
  /// Whether the classifier has an extra background class (logit 0), trained on images with no
  /// object. Default: `false`.
  public var includesBackground: Bool = false
  /// Network input width in pixels; images are resized (stretched) to it. Default: `64`.
  public var inputWidth: Int = 64
  /// Network input height in pixels. Default: `64`.
  public var inputHeight: Int = 64
  /// Per-channel mean subtracted from RGB values in `[0, 1]`. Default: `[0.5, 0.5, 0.5]`.
  public var mean: [Float] = [0.5, 0.5, 0.5]
  /// Per-channel standard deviation the centred values are divided by.
  /// Default: `[0.25, 0.25, 0.25]`.
  public var std: [Float] = [0.25, 0.25, 0.25]
  /// Output channels of the four 3x3 conv blocks (conv, batch norm, ReLU, 2x2 max-pool).
  /// Default: `[16, 32, 64, 64]`.
  public var channels: [Int] = [16, 32, 64, 64]
  /// Width of the shared fully connected layer before the two heads. Default: `128`.
  public var hiddenFeatures: Int = 128
  /// The box head's encoding; see ``normalizedCenterSize``.
  public var boxEncoding: String = Self.normalizedCenterSize
  /// The box regression loss used in training. Default: ``BoxRegressionLoss/l1``.
  public var boxLoss: BoxRegressionLoss = .l1
  /// `wc`, the weight of the cross-entropy in the total loss. Default: `0.5`.
  public var classificationWeight: Float = 0.5
  /// `wb`, the weight of the box loss in the total loss. Default: `0.5`.
  public var boxWeight: Float = 0.5

  /// Creates a configuration; every parameter is the property of the same name.
  public init(
    classes: [DetectorClass], includesBackground: Bool = false,
    inputWidth: Int = 64, inputHeight: Int = 64, channels: [Int] = [16, 32, 64, 64],
    hiddenFeatures: Int = 128, boxLoss: BoxRegressionLoss = .l1,
    classificationWeight: Float = 0.5, boxWeight: Float = 0.5
  ) {
    self.classes = classes
    self.includesBackground = includesBackground
    self.inputWidth = inputWidth
    self.inputHeight = inputHeight
    self.channels = channels
    self.hiddenFeatures = hiddenFeatures
    self.boxLoss = boxLoss
    self.classificationWeight = classificationWeight
    self.boxWeight = boxWeight
  }

  /// The class names, in label order.
  public var classNames: [String] { classes.map(\.name) }

  /// Checks every value against what the network needs.
  ///
  /// - Parameter file: The `config.json` the values came from, for the error.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  public func validate(file: String) throws {
    let check = ConfigurationCheck(file: file)
    try check.classes(classes)
    try check.integer("inputWidth", inputWidth, in: 16...4096)
    try check.integer("inputHeight", inputHeight, in: 16...4096)
    try check.numbers("mean", mean, count: 3...3, in: -10...10)
    try check.numbers("std", std, count: 3...3, in: 1e-6...100)
    try check.integers("channels", channels, count: 4...4, in: 1...2048)
    try check.integer("hiddenFeatures", hiddenFeatures, in: 1...16_384)
    try check.choice("boxEncoding", boxEncoding, in: [Self.normalizedCenterSize])
    try check.number("classificationWeight", Double(classificationWeight), in: 0...1000)
    try check.number("boxWeight", Double(boxWeight), in: 0...1000)
    try boxLoss.validate(check)
    try training.validate(file: file)
  }

  /// Number of classifier outputs: the classes, plus one for background when included.
  public var outputClasses: Int { classes.count + (includesBackground ? 1 : 0) }
}
