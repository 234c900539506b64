import Foundation

/// Softmax cross-entropy over class logits (PyTorch's `F.cross_entropy`), with optional
/// class weights and an ignored label.
///
/// `loss_i = -w[y_i] * log_softmax(logits_i)[y_i]`. With `.mean` the result is
/// `Σ loss_i / Σ w[y_i]` over the samples whose label is not `ignoreIndex`; ignored rows get
/// a zero gradient. When every sample is ignored the mean is 0 with a zero gradient
/// (PyTorch returns NaN).
///
///     let loss = crossEntropy(logits, labels: [2, 0, -1], ignoreIndex: -1)
///
/// - Parameters:
///   - logits: `[N, C]` unnormalised scores.
///   - labels: `N` class indices in `0..<C`, or `ignoreIndex`.
///   - classWeights: `C` weights, or nil for all 1. Default: nil.
///   - ignoreIndex: a label whose rows are skipped. Default: -100 (PyTorch's).
///   - reduction: Default: `.mean`.
/// - Returns: the value and dLoss/dLogits.
/// - Complexity: O(N * C). Checked against PyTorch (goldens `losses.json`).
public func crossEntropy(
  _ logits: Tensor, labels: [Int], classWeights: [Float]? = nil, ignoreIndex: Int = -100,
  reduction: Reduction = .mean
) -> Loss {
  let (losses, weights, probabilities) = crossEntropyParts(
    logits, labels: labels, classWeights: classWeights, ignoreIndex: ignoreIndex)
  let classes = logits.shape[1]
  var total: Double = 0
  var weightTotal: Double = 0
  for index in labels.indices where labels[index] != ignoreIndex {
    total += Double(losses[index])
    weightTotal += Double(weights[index])
  }
  let divisor: Double = reduction == .mean ? weightTotal : 1
  let value: Double = divisor > 0 ? total / divisor : 0
  var gradient = Tensor(zeros: logits.shape)
  if divisor > 0 {
    for row in labels.indices where labels[row] != ignoreIndex {
      let scale = Double(weights[row]) / divisor
      for column in 0..<classes {
        let target: Double = column == labels[row] ? 1 : 0
        gradient.data[row * classes + column] = Float(
          (probabilities[row * classes + column] - target) * scale)
      }
    }
  }
  return Loss(value: Float(value), gradient: gradient)
}

/// The per-sample cross-entropy losses (PyTorch's `reduction='none'`), 0 at ignored rows.
///
/// - Parameters: as ``crossEntropy(_:labels:classWeights:ignoreIndex:reduction:)``.
/// - Returns: `N` losses, each already multiplied by its class weight.
public func crossEntropyPerSample(
  _ logits: Tensor, labels: [Int], classWeights: [Float]? = nil, ignoreIndex: Int = -100
) -> [Float] {
  crossEntropyParts(logits, labels: labels, classWeights: classWeights, ignoreIndex: ignoreIndex)
    .losses
}

/// Weighted per-sample losses, per-sample weights and softmax probabilities (in Double).
private func crossEntropyParts(
  _ logits: Tensor, labels: [Int], classWeights: [Float]?, ignoreIndex: Int
) -> (losses: [Float], weights: [Float], probabilities: [Double]) {
  precondition(logits.rank == 2, "crossEntropy: logits \(logits.shape) are not [N, C]")
  let rows = logits.shape[0], classes = logits.shape[1]
  precondition(labels.count == rows, "crossEntropy: \(labels.count) labels for \(rows) rows")
  precondition(
    classWeights == nil || classWeights!.count == classes,
    "crossEntropy: \(classWeights?.count ?? 0) class weights for \(classes) classes")
  var losses = [Float](repeating: 0, count: rows)
  var weights = [Float](repeating: 0, count: rows)
  var probabilities = [Double](repeating: 0, count: rows * classes)
  for row in 0..<rows {
    let label = labels[row]
    if label == ignoreIndex { continue }
    precondition(
      label >= 0 && label < classes,
      "crossEntropy: label \(label) of row \(row) is outside 0..<\(classes)")
    var maximum = -Double.infinity
    for column in 0..<classes {
      maximum = max(maximum, Double(logits.data[row * classes + column]))
    }
    var sum: Double = 0
    for column in 0..<classes { sum += exp(Double(logits.data[row * classes + column]) - maximum) }
    let logSum = maximum + log(sum)
    for column in 0..<classes {
      probabilities[row * classes + column] = exp(
        Double(logits.data[row * classes + column]) - logSum)
    }
    let weight = classWeights?[label] ?? 1
    weights[row] = weight
    losses[row] = Float(Double(weight) * (logSum - Double(logits.data[row * classes + label])))
  }
  return (losses, weights, probabilities)
}
