import Boxes

/// A binary linear support vector machine `f(x) = w·x + b`, trained on the primal problem
/// `min ½|w|² + ½b² + C Σ max(0, 1 - yᵢ f(xᵢ))` (L2-regularised hinge loss; the bias is an
/// extra feature of constant 1, regularised like liblinear's `-B 1`) by dual coordinate
/// descent (Hsieh et al. 2008).
///
/// Training is deterministic: the coordinate order of every epoch is a shuffle drawn from
/// `seed`. It stops when the largest projected-gradient violation of an epoch falls below
/// `tolerance` or after `maxEpochs`.
///
/// Complexity: O(epochs · n · d) for `n` samples of `d` features.
///
/// References: C.-J. Hsieh, K.-W. Chang, C.-J. Lin, S. S. Keerthi, S. Sundararajan, "A dual
/// coordinate descent method for large-scale linear SVM", ICML 2008. R-CNN uses one such SVM
/// per class with C = 0.001 on 4096-d features (Girshick et al. 2014, §2.3).
public struct LinearSVM: Sendable, Hashable {
  /// The weights `w`, one per feature.
  public var weights: [Float]
  /// The bias `b`.
  public var bias: Float

  /// A machine with the given weights and bias.
  public init(weights: [Float], bias: Float) {
    self.weights = weights
    self.bias = bias
  }

  /// Trains on `samples` (each `d` features) with labels `+1` / `-1` (`positive[i]`).
  ///
  /// - Parameters:
  ///   - samples: The feature vectors, all of one length `d ≥ 1`.
  ///   - positive: `true` for the positive class.
  ///   - c: The hinge-loss weight C (larger fits the training set harder). Default: 0.1.
  ///   - positiveWeight: Multiplies C for positives (class imbalance). Default: 1.
  ///   - maxEpochs: Passes over the samples. Default: 50.
  ///   - tolerance: Stop when the largest violation is below this. Default: 1e-3.
  ///   - seed: The coordinate-order seed. Default: 0.
  ///   - featureCount: `d`, which gives the size of the all-zero machine trained on no sample.
  ///     Default: nil, the length of the first sample (0 without samples).
  public init(
    training samples: [[Float]], positive: [Bool], c: Float = 0.1, positiveWeight: Float = 1,
    maxEpochs: Int = 50, tolerance: Float = 1e-3, seed: UInt64 = 0, featureCount: Int? = nil
  ) {
    precondition(samples.count == positive.count, "LinearSVM: samples and labels differ")
    let d = featureCount ?? samples.first?.count ?? 0
    var w = [Double](repeating: 0, count: d + 1)
    guard !samples.isEmpty else {
      self.init(weights: [Float](repeating: 0, count: d), bias: 0)
      return
    }
    var alpha = [Double](repeating: 0, count: samples.count)
    let norms = samples.map { x in x.reduce(1.0) { $0 + Double($1) * Double($1) } }
    let y = positive.map { $0 ? 1.0 : -1.0 }
    let bounds = positive.map { Double(c) * ($0 ? Double(positiveWeight) : 1) }
    var random = SplitMix64(seed: seed)
    var order = Array(samples.indices)
    for _ in 0..<maxEpochs {
      order.shuffle(using: &random)
      var largest = 0.0
      for i in order {
        let x = samples[i]
        var dot = w[d]
        for k in 0..<d { dot += w[k] * Double(x[k]) }
        let gradient = y[i] * dot - 1
        var projected = gradient
        if alpha[i] == 0 {
          projected = min(gradient, 0)
        } else if alpha[i] == bounds[i] {
          projected = max(gradient, 0)
        }
        largest = max(largest, abs(projected))
        guard projected != 0 else { continue }
        let old = alpha[i]
        alpha[i] = min(max(old - gradient / norms[i], 0), bounds[i])
        let step = (alpha[i] - old) * y[i]
        if step != 0 {
          for k in 0..<d { w[k] += step * Double(x[k]) }
          w[d] += step
        }
      }
      if largest < Double(tolerance) { break }
    }
    self.init(weights: w.prefix(d).map { Float($0) }, bias: Float(w[d]))
  }

  /// The decision value `w·x + b`.
  public func score(_ features: [Float]) -> Float {
    precondition(features.count == weights.count, "LinearSVM.score: feature count")
    var sum = Double(bias)
    for k in weights.indices { sum += Double(weights[k]) * Double(features[k]) }
    return Float(sum)
  }
}
