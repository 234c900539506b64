import Detectors
import Foundation

/// What happened in one training epoch, for every architecture: the mean training losses the
/// architecture has, the learning rate, the time, and the validation metrics.
///
/// `history.json` of a model folder holds one record per finished epoch.
public struct EpochRecord: Sendable, Hashable, Codable {
  /// The epoch, from 1.
  public var epoch: Int
  /// Mean training losses over the epoch's steps by name, in the order the architecture
  /// reports them (``lossNames``): `classification`, `box`, and for Faster R-CNN
  /// `objectness` and `rpn_box`; classify-localize adds `total`.
  public var losses: [String: Double]
  /// The names of ``losses`` in report order.
  public var lossNames: [String]
  /// Learning rate of the epoch's last step.
  public var learningRate: Double
  /// Wall-clock seconds of the epoch's training (without validation).
  public var seconds: Double
  /// COCO AP at IoU 0.5 on the validation images; nil without them.
  public var validationAP50: Double?
  /// COCO AP at IoU 0.5:0.95 on the validation images; nil without them.
  public var validationAP: Double?
  /// Classify-localize: mean IoU, IoU ≥ 0.5 and class accuracy on the validation images.
  public var localization: LocalizationMetrics?

  /// Creates a record; every parameter is the property of the same name.
  public init(
    epoch: Int, losses: [(String, Double)], learningRate: Double, seconds: Double,
    validationAP50: Double? = nil, validationAP: Double? = nil,
    localization: LocalizationMetrics? = nil
  ) {
    self.epoch = epoch
    self.losses = Dictionary(losses, uniquingKeysWith: { $1 })
    self.lossNames = losses.map(\.0)
    self.learningRate = learningRate
    self.seconds = seconds
    self.validationAP50 = validationAP50
    self.validationAP = validationAP
    self.localization = localization
  }

  /// One line for the terminal: `epoch 3/12: classification 0.412, box 0.233, lr 1.2e-03,
  /// validation AP50 0.874 (41 s)`.
  public func summary(epochs: Int) -> String {
    var parts = lossNames.map { "\($0) " + format(losses[$0] ?? 0, "%.4f") }
    parts.append("lr " + format(learningRate, "%.2e"))
    if let validationAP50 { parts.append("validation AP50 " + format(validationAP50, "%.3f")) }
    if let localization {
      parts.append(
        "mean IoU " + format(localization.meanIoU, "%.3f") + ", class accuracy "
          + format(localization.classificationAccuracy, "%.3f"))
    }
    return "epoch \(epoch)/\(epochs): " + parts.joined(separator: ", ")
      + " (\(format(seconds, "%.0f")) s)"
  }

  private func format(_ value: Double, _ format: String) -> String {
    String(format: format, value)
  }
}
