import Boxes
import Detectors

/// How well one-box-per-image predictions match their targets.
///
/// - ``meanIoU``: the IoU of the predicted box with the target box, averaged over boxed samples.
/// - ``localizationAccuracy``: the share of boxed samples with IoU ≥ 0.5.
/// - ``classificationAccuracy``: the share of all samples whose predicted class is right
///   (background included when the model has it).
///
///     let metrics = LocalizationMetrics(predictions: predictions, samples: validation.samples)
public struct LocalizationMetrics: Sendable, Hashable, Codable {
  /// Mean IoU of predicted and target boxes, in `[0, 1]`.
  public var meanIoU: Double
  /// Share of boxed samples whose predicted box has IoU ≥ 0.5 with the target.
  public var localizationAccuracy: Double
  /// Share of samples classified correctly.
  public var classificationAccuracy: Double
  /// Number of samples.
  public var count: Int

  /// Creates metrics from their values.
  public init(
    meanIoU: Double, localizationAccuracy: Double, classificationAccuracy: Double, count: Int
  ) {
    self.meanIoU = meanIoU
    self.localizationAccuracy = localizationAccuracy
    self.classificationAccuracy = classificationAccuracy
    self.count = count
  }

  /// Scores predictions against the samples they were made for (same order).
  ///
  /// - Parameters:
  ///   - predictions: One per sample.
  ///   - samples: The targets; background samples count only for classification.
  ///   - includesBackground: Whether sample labels count background as 0. Default: `false`.
  public init(
    predictions: [ClassifyAndLocalize.Prediction], samples: [LocalizationSet.Sample],
    includesBackground: Bool = false
  ) {
    precondition(
      predictions.count == samples.count,
      "LocalizationMetrics: \(predictions.count) predictions for \(samples.count) samples")
    var iouSum = 0.0, hits = 0, boxed = 0, correct = 0
    for (prediction, sample) in zip(predictions, samples) {
      let predictedLabel =
        includesBackground ? (prediction.label.map { $0 + 1 } ?? 0) : (prediction.label ?? -1)
      if predictedLabel == sample.label { correct += 1 }
      guard let box = sample.box else { continue }
      boxed += 1
      let iou = Double(prediction.box.iou(box))
      iouSum += iou
      if iou >= 0.5 { hits += 1 }
    }
    self.init(
      meanIoU: boxed > 0 ? iouSum / Double(boxed) : 0,
      localizationAccuracy: boxed > 0 ? Double(hits) / Double(boxed) : 0,
      classificationAccuracy: samples.isEmpty ? 0 : Double(correct) / Double(samples.count),
      count: samples.count)
  }
}
