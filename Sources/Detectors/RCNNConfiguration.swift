import Boxes

/// Everything an R-CNN model folder needs besides its weights (`config.json`), plus the
/// training settings of ``RCNNTrainer``.
public struct RCNNConfiguration: Sendable, Hashable, Codable {
  /// Always `"rcnn"`.
  public var architecture: String = DetectorArchitecture.rcnn.rawValue
  /// The classifier backend.
  public var backend: RCNNBackend
  /// Class names, without background.
  public var classes: [String]
  /// The dataset category id of each class.
  public var categoryIDs: [Int]
  /// Warped crop side in pixels. Default: 32 (CNN) or 48 (HOG).
  public var inputSize: Int
  /// Context pixels in the crop. Default: ``RCNN/defaultContextPadding(inputSize:)``.
  public var contextPadding: Int
  /// Proposals kept per image (selective search fast). Default: 2000.
  public var maxProposals: Int
  /// Per-class NMS IoU. Default: 0.3 (R-CNN).
  public var nmsThreshold: Double
  /// Detections below this probability are dropped. Default: 0.05.
  public var scoreThreshold: Float
  /// HOG settings (hog-svm).
  public var hog: HOGDescriptor
  /// SVM C (hog-svm). Default: 0.1.
  public var svmC: Float
  /// Ridge λ of the box regressors (hog-svm). Default: 10 (HOG blocks have unit norm, so a
  /// 900-d descriptor has norm ≈ 5; the paper's 1000 suits unnormalised pool5 features).
  public var ridgeLambda: Double
  /// CNN channels per block. Default: `[16, 32, 64]`.
  public var channels: [Int]
  /// CNN hidden width. Default: 128.
  public var hiddenFeatures: Int
  /// Weight λ of the smooth-L1 box loss (cnn). Default: 1.
  public var boxWeight: Float
  /// Fine-tuning foreground IoU. Default: 0.5.
  public var positiveIoU: Float
  /// SVM negatives are proposals below this IoU with every object. Default: 0.3.
  public var negativeIoU: Float
  /// Box-regression samples need this IoU. Default: 0.6.
  public var regressionIoU: Float
  /// Foreground regions kept per training image (cnn), ground truth first. Default: 32.
  public var foregroundPerImage: Int
  /// Background regions kept per training image (cnn and SVM pool), seeded. Default: 96.
  public var backgroundPerImage: Int

  /// A configuration with the defaults above.
  public init(
    backend: RCNNBackend, classes: [String], categoryIDs: [Int], inputSize: Int? = nil,
    contextPadding: Int? = nil, maxProposals: Int = 2000
  ) {
    self.backend = backend
    self.classes = classes
    self.categoryIDs = categoryIDs
    let size = inputSize ?? (backend == .cnn ? 32 : 48)
    self.inputSize = size
    self.contextPadding = contextPadding ?? RCNN.defaultContextPadding(inputSize: size)
    self.maxProposals = maxProposals
    nmsThreshold = 0.3
    scoreThreshold = 0.05
    hog = HOGDescriptor()
    svmC = 0.1
    ridgeLambda = 10
    channels = [16, 32, 64]
    hiddenFeatures = 128
    boxWeight = 1
    positiveIoU = 0.5
    negativeIoU = 0.3
    regressionIoU = 0.6
    foregroundPerImage = 32
    backgroundPerImage = 96
  }

  /// The post-processor these settings describe.
  public var postprocessor: DetectionPostprocessor {
    DetectionPostprocessor(scoreThreshold: scoreThreshold, nmsThreshold: nmsThreshold)
  }
}
