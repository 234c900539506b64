/// Everything needed to rebuild a ``ClassifyAndLocalize`` model and to read its outputs: the
/// contents of a model folder's `config.json`.
///
/// ```json
/// {"architecture": "classify-localize", "classes": ["raccoon"], "categoryIDs": [1],
///  "includesBackground": false, "inputWidth": 64, "inputHeight": 64,
///  "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "channels": [16, 32, 64, 64],
///  "hiddenFeatures": 128, "boxEncoding": "normalized-cxcywh",
///  "boxLoss": {"l1": {}}, "classificationWeight": 0.5, "boxWeight": 0.5}
/// ```
public struct ClassifyAndLocalizeConfiguration: Sendable, Hashable, Codable {
  /// The box encoding of the box head: `(cx, cy, w, h)` of the box divided by the image's
  /// width and height, so the whole image is `(0.5, 0.5, 1, 1)`. This is the only encoding.
  public static let normalizedCenterSize = "normalized-cxcywh"

  /// Always ``DetectorArchitecture/classifyLocalize``.
  public var architecture: DetectorArchitecture = .classifyLocalize
  /// Object class names, in label order (without the background class).
  public var classes: [String]
  /// The dataset's category id of each class, for COCO results.
  public var categoryIDs: [Int]
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
    classes: [String], categoryIDs: [Int], includesBackground: Bool = false,
    inputWidth: Int = 64, inputHeight: Int = 64, channels: [Int] = [16, 32, 64, 64],
    hiddenFeatures: Int = 128, boxLoss: BoxRegressionLoss = .l1,
    classificationWeight: Float = 0.5, boxWeight: Float = 0.5
  ) {
    precondition(
      !classes.isEmpty && classes.count == categoryIDs.count,
      "ClassifyAndLocalizeConfiguration: \(classes.count) classes, \(categoryIDs.count) category ids"
    )
    precondition(
      inputWidth >= 16 && inputHeight >= 16,
      "ClassifyAndLocalizeConfiguration: input \(inputWidth)x\(inputHeight) below 16x16")
    precondition(
      channels.count == 4 && channels.allSatisfy { $0 >= 1 },
      "ClassifyAndLocalizeConfiguration: channels \(channels)")
    self.classes = classes
    self.categoryIDs = categoryIDs
    self.includesBackground = includesBackground
    self.inputWidth = inputWidth
    self.inputHeight = inputHeight
    self.channels = channels
    self.hiddenFeatures = hiddenFeatures
    self.boxLoss = boxLoss
    self.classificationWeight = classificationWeight
    self.boxWeight = boxWeight
  }

  /// Number of classifier outputs: the classes, plus one for background when included.
  public var outputClasses: Int { classes.count + (includesBackground ? 1 : 0) }
}
