import Foundation

/// Multi-output ridge regression `Y ≈ X·W + b`, minimising `|XW + b - Y|² + λ|W|²` (the
/// bias is not penalised), solved in closed form by a Cholesky factorisation of the
/// centred normal equations `(XᵀX + λI) W = XᵀY`.
///
/// R-CNN's class-specific bounding-box regressor (Girshick et al. 2014, appendix C) is one
/// of these per class, on the features of proposals with IoU ≥ 0.6 to a ground-truth box and
/// the ``/Boxes/BoxCoder`` deltas to that box as targets; the paper uses λ = 1000 on pool5
/// features.
///
/// Complexity: O(n·d² + d³) for `n` samples of `d` features.
public struct RidgeRegression: Sendable, Hashable {
  /// The weights, `d x outputs`, row-major.
  public var weights: [Float]
  /// The biases, one per output.
  public var biases: [Float]
  /// The feature count `d`.
  public var featureCount: Int
  /// The output count.
  public var outputCount: Int

  /// A regression with the given weights (`featureCount x outputCount`) and biases.
  public init(weights: [Float], biases: [Float], featureCount: Int, outputCount: Int) {
    precondition(weights.count == featureCount * outputCount && biases.count == outputCount)
    self.weights = weights
    self.biases = biases
    self.featureCount = featureCount
    self.outputCount = outputCount
  }

  /// Fits `targets` (each `outputCount` values) from `samples` (each `d` features).
  ///
  /// With no sample the regression predicts zeros: `featureCount x outputCount` zero weights
  /// and zero biases (R-CNN's box regressor of a class without regression samples then leaves
  /// its boxes as proposed).
  ///
  /// - Parameters:
  ///   - samples: One feature vector per sample, all of the same length `d`.
  ///   - targets: One vector of `outputCount` values per sample.
  ///   - featureCount: `d`, which gives the size of the all-zero regression fitted on no
  ///     sample. Default: nil, the length of the first sample (0 without samples).
  ///   - outputCount: The number of outputs.
  ///   - lambda: The L2 penalty λ on the weights, finite and above 0. Default: 1.
  /// - Throws: ``DetectorsError/invalidParameter(type:field:value:expected:)`` naming `lambda`
  ///   when it is not finite and above 0.
  /// - Precondition: `samples` and `targets` have the same count.
  public init(
    samples: [[Float]], targets: [[Float]], featureCount: Int? = nil, outputCount: Int,
    lambda: Double = 1
  ) throws(DetectorsError) {
    precondition(samples.count == targets.count, "RidgeRegression: samples and targets differ")
    guard lambda.isFinite, lambda > 0 else {
      throw .invalidParameter(
        type: "RidgeRegression", field: "lambda", value: "\(lambda)",
        expected: "a finite number above 0")
    }
    let d = featureCount ?? samples.first?.count ?? 0, n = samples.count, m = outputCount
    guard n > 0, d > 0 else {
      self.init(
        weights: [Float](repeating: 0, count: d * m), biases: [Float](repeating: 0, count: m),
        featureCount: d, outputCount: m)
      return
    }
    var meanX = [Double](repeating: 0, count: d), meanY = [Double](repeating: 0, count: m)
    for i in 0..<n {
      for k in 0..<d { meanX[k] += Double(samples[i][k]) / Double(n) }
      for j in 0..<m { meanY[j] += Double(targets[i][j]) / Double(n) }
    }
    var gram = [Double](repeating: 0, count: d * d)
    var right = [Double](repeating: 0, count: d * m)
    var row = [Double](repeating: 0, count: d)
    for i in 0..<n {
      for k in 0..<d { row[k] = Double(samples[i][k]) - meanX[k] }
      for r in 0..<d where row[r] != 0 {
        let value = row[r]
        for c in r..<d { gram[r * d + c] += value * row[c] }
        for j in 0..<m { right[r * m + j] += value * (Double(targets[i][j]) - meanY[j]) }
      }
    }
    for r in 0..<d {
      gram[r * d + r] += lambda
      for c in 0..<r { gram[r * d + c] = gram[c * d + r] }
    }
    // Cholesky: gram = L Lᵀ, L stored in the lower triangle.
    for j in 0..<d {
      var sum = gram[j * d + j]
      for k in 0..<j { sum -= gram[j * d + k] * gram[j * d + k] }
      let diagonal = max(sum, 1e-12).squareRoot()
      gram[j * d + j] = diagonal
      for i in (j + 1)..<max(d, j + 1) {
        var value = gram[i * d + j]
        for k in 0..<j { value -= gram[i * d + k] * gram[j * d + k] }
        gram[i * d + j] = value / diagonal
      }
    }
    var solution = right
    for j in 0..<m {
      for i in 0..<d {
        var value = solution[i * m + j]
        for k in 0..<i { value -= gram[i * d + k] * solution[k * m + j] }
        solution[i * m + j] = value / gram[i * d + i]
      }
      for i in stride(from: d - 1, through: 0, by: -1) {
        var value = solution[i * m + j]
        for k in (i + 1)..<max(d, i + 1) { value -= gram[k * d + i] * solution[k * m + j] }
        solution[i * m + j] = value / gram[i * d + i]
      }
    }
    var biases = [Float](repeating: 0, count: m)
    for j in 0..<m {
      var value = meanY[j]
      for k in 0..<d { value -= meanX[k] * solution[k * m + j] }
      biases[j] = Float(value)
    }
    self.init(
      weights: solution.map { Float($0) }, biases: biases, featureCount: d, outputCount: m)
  }

  /// The prediction `x·W + b` for one feature vector.
  public func predict(_ features: [Float]) -> [Float] {
    precondition(features.count == featureCount, "RidgeRegression.predict: feature count")
    var output = biases.map(Double.init)
    for k in 0..<featureCount where features[k] != 0 {
      let value = Double(features[k])
      for j in 0..<outputCount { output[j] += value * Double(weights[k * outputCount + j]) }
    }
    return output.map { Float($0) }
  }
}
