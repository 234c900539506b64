import NeuralNet

/// The multi-task loss of Fast R-CNN (Girshick 2015, eq. 1): `classificationWeight` x the
/// cross-entropy over all sampled RoIs + `boxWeight` (λ) x the localisation loss of the
/// foreground RoIs, on the deltas of their own class only.
///
/// As torchvision's `fastrcnn_loss`, the localisation loss is summed over the foreground
/// RoIs' four coordinates and divided by the number of sampled RoIs; the localisation loss
/// is selectable (``BoxRegressionLoss``: smooth L1 with β, L1 or MSE).
public struct FastRCNNLoss: Sendable, Hashable {
  public var boxLoss: BoxRegressionLoss
  public var classificationWeight: Float
  public var boxWeight: Float

  public init(boxLoss: BoxRegressionLoss, classificationWeight: Float = 1, boxWeight: Float = 1) {
    self.boxLoss = boxLoss
    self.classificationWeight = classificationWeight
    self.boxWeight = boxWeight
  }

  /// The loss terms and the gradients of the logits and deltas.
  ///
  /// - Parameters:
  ///   - logits: `[R, K+1]`.
  ///   - deltas: `[R, 4(K+1)]`.
  ///   - labels: `R` labels, 0 background, `1...K` the class.
  ///   - targets: `R` x 4 encoded regression targets (read only for foreground rows).
  public func evaluate(logits: Tensor, deltas: Tensor, labels: [Int], targets: [[Float]]) -> (
    classification: Float, box: Float, logitsGradient: Tensor, deltasGradient: Tensor
  ) {
    let rows = labels.count
    let ce = crossEntropy(logits, labels: labels)
    let columns = deltas.shape[1]
    let foreground = labels.indices.filter { labels[$0] > 0 }
    var deltasGradient = Tensor(zeros: deltas.shape)
    var boxValue: Float = 0
    if !foreground.isEmpty {
      var input = [Float](), target = [Float]()
      for row in foreground {
        let base = row * columns + 4 * labels[row]
        input += deltas.data[base..<(base + 4)]
        target += targets[row]
      }
      let loss = boxLoss.loss(
        Tensor(shape: [foreground.count, 4], data: input),
        Tensor(shape: [foreground.count, 4], data: target))
      // From the mean over 4·F elements to the sum divided by R.
      let scale = Float(4 * foreground.count) / Float(rows)
      boxValue = loss.value * scale
      for (i, row) in foreground.enumerated() {
        let base = row * columns + 4 * labels[row]
        for k in 0..<4 {
          deltasGradient.data[base + k] = loss.gradient.data[i * 4 + k] * scale * boxWeight
        }
      }
    }
    return (ce.value, boxValue, ce.gradient * classificationWeight, deltasGradient)
  }
}
