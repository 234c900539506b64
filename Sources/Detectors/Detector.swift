import Boxes
import Imaging
import NeuralNet

/// Anything that finds objects in an image: every architecture of the family, loaded from a
/// model folder by ``DetectorModel/load(from:proposalGenerator:)`` or built in code.
///
///     let detector = try DetectorModel.load(from: URL(fileURLWithPath: "model"))
///     for object in try detector.detect(in: image) {
///       print(object.category.name, object.category.categoryID, object.score, object.box)
///     }
///
/// Boxes are in the pixels of the image given; each detection carries its class and the
/// dataset category id it was trained for.
public protocol Detector: Sendable {
  /// The object classes, label order.
  var classes: [DetectorClass] { get }

  /// Whether ``detect(in:proposals:)`` is meaningful: R-CNN and Fast R-CNN classify given
  /// regions; classify-localize and Faster R-CNN find their own.
  var acceptsProposals: Bool { get }

  /// Detects objects in `image` (RGB in `[0, 1]`) with the detector's own proposal stage.
  func detect(in image: Image) throws -> [DetectedObject]

  /// Detects objects in `image` among `proposals` (boxes in the image's pixels, best first).
  ///
  /// - Throws: ``DetectorsError/unsupportedInput(detector:reason:)`` when the detector does
  ///   not take proposals (``acceptsProposals`` is false).
  func detect(in image: Image, proposals: [Box]) throws -> [DetectedObject]
}

extension RCNN: Detector {
  public var acceptsProposals: Bool { true }
}

extension FastRCNN: Detector {
  public var classes: [DetectorClass] { configuration.classes }
  public var acceptsProposals: Bool { true }
}

extension FasterRCNN: Detector {
  public var classes: [DetectorClass] { configuration.classes }
  public var acceptsProposals: Bool { false }

  public func detect(in image: Image, proposals: [Box]) throws -> [DetectedObject] {
    throw DetectorsError.unsupportedInput(
      detector: "faster-rcnn", reason: "it proposes regions with its own RPN; give no proposals")
  }
}

extension ClassifyAndLocalize: Detector {
  public var classes: [DetectorClass] { configuration.classes }
  public var acceptsProposals: Bool { false }

  /// The image's one object (none when the model predicts background), box in its pixels.
  public func detect(in image: Image) throws -> [DetectedObject] {
    var network = self
    network.setTraining(false)
    let c = configuration
    let resized = image.resized(width: c.inputWidth, height: c.inputHeight)
    let batch = Tensor(
      shape: [1, 3, c.inputHeight, c.inputWidth],
      data: resized.normalizedPlanes(mean: c.mean, std: c.std))
    let prediction = network.predictions(network.forward(batch))[0]
    guard let label = prediction.label else { return [] }
    return [
      DetectedObject(
        box: prediction.box(width: image.width, height: image.height), label: label + 1,
        score: prediction.score, category: c.classes[label])
    ]
  }

  public func detect(in image: Image, proposals: [Box]) throws -> [DetectedObject] {
    throw DetectorsError.unsupportedInput(
      detector: "classify-localize", reason: "it predicts one box per image; give no proposals")
  }
}
