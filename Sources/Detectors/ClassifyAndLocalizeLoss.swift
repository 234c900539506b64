import NeuralNet

/// The multi-task loss of ``ClassifyAndLocalize``: its value, its two parts and the gradients
/// with respect to the two heads' outputs.
public struct ClassifyAndLocalizeLoss: Sendable, Equatable {
  /// `classificationWeight * classification + boxWeight * box`.
  public var total: Float
  /// Mean cross-entropy over the rows.
  public var classification: Float
  /// The box regression loss averaged over the coordinates of the rows that have a box (0 when
  /// none has).
  public var box: Float
  /// Gradient of ``total`` with respect to the logits, `[N, classes]`.
  public var logitsGradient: Tensor
  /// Gradient of ``total`` with respect to the predicted boxes, `[N, 4]` (zero on rows
  /// without a box).
  public var boxGradient: Tensor
}

/// Computes `total = classificationWeight * crossEntropy + boxWeight * boxLoss` for a batch.
///
/// The classification part is the mean cross-entropy of every row; the box part compares only
/// the rows where `hasBox` is true (background images have no box), averaged over their
/// coordinates. The gradients are those of `total`, built with ``/NeuralNet/weightedLossSum(_:)``.
///
///     let loss = classifyAndLocalizeLoss(
///       logits: logits, labels: labels, boxes: predicted, targets: targets,
///       boxLoss: .l1, classificationWeight: 0.5, boxWeight: 0.5)
///
/// - Parameters:
///   - logits: Class scores, `[N, classes]`.
///   - labels: The class of each row, in `0..<classes`.
///   - boxes: Predicted boxes, `[N, 4]`, in the model's box encoding.
///   - targets: Target boxes, `[N, 4]`, same encoding (ignored on rows without a box).
///   - hasBox: Which rows have a target box. Default: nil, every row.
///   - boxLoss: The regression loss.
///   - classificationWeight: `wc`, the weight of the cross-entropy. Default: `0.5`.
///   - boxWeight: `wb`, the weight of the box loss. Default: `0.5`.
/// - Returns: The total, both parts and the gradients.
/// - Complexity: O(N · classes).
public func classifyAndLocalizeLoss(
  logits: Tensor, labels: [Int], boxes: Tensor, targets: Tensor, hasBox: [Bool]? = nil,
  boxLoss: BoxRegressionLoss, classificationWeight: Float = 0.5, boxWeight: Float = 0.5
) -> ClassifyAndLocalizeLoss {
  let rows = logits.shape[0]
  precondition(
    boxes.shape == [rows, 4] && targets.shape == [rows, 4],
    "classifyAndLocalizeLoss: boxes \(boxes.shape), targets \(targets.shape) for \(rows) rows")
  precondition(
    hasBox == nil || hasBox!.count == rows,
    "classifyAndLocalizeLoss: \(hasBox?.count ?? 0) hasBox flags for \(rows) rows")
  let classification = crossEntropy(logits, labels: labels)
  let kept = (0..<rows).filter { hasBox?[$0] ?? true }
  var boxPart = Loss(value: 0, gradient: Tensor(zeros: [rows, 4]))
  if !kept.isEmpty {
    var predicted = Tensor(zeros: [kept.count, 4]), wanted = Tensor(zeros: [kept.count, 4])
    for (row, source) in kept.enumerated() {
      for k in 0..<4 {
        predicted.data[row * 4 + k] = boxes.data[source * 4 + k]
        wanted.data[row * 4 + k] = targets.data[source * 4 + k]
      }
    }
    let subset = boxLoss.loss(predicted, wanted)
    for (row, source) in kept.enumerated() {
      for k in 0..<4 { boxPart.gradient.data[source * 4 + k] = subset.gradient.data[row * 4 + k] }
    }
    boxPart.value = subset.value
  }
  let sum = weightedLossSum((classificationWeight, classification), (boxWeight, boxPart))
  return ClassifyAndLocalizeLoss(
    total: sum.value, classification: classification.value, box: boxPart.value,
    logitsGradient: sum.gradients[0], boxGradient: sum.gradients[1])
}
