import Foundation

/// L2-regularised logistic regression over standardised ``ObjectnessFeatures``, stored as
/// `objectness.json`.
///
/// P(object | x) = σ(w · (x − μ) / σ_x + b). Training is deterministic Newton's method
/// (iteratively reweighted least squares) on the full batch, minimising the mean log loss
/// plus `l2 / 2 · |w|²` (the bias is not penalised).
///
///     let model = try ObjectnessModel.train(features: rows, labels: labels, l2: 1e-3)
///     try model.save(to: URL(fileURLWithPath: "objectness.json"))
///     let p = model.probability(row)
///
/// JSON keys: `feature_names`, `means`, `stds`, `weights`, `bias`, `training`
/// (`examples`, `positives`, `negatives`, `l2`, `iterations`, `loss`, `accuracy`, `notes`).
///
/// Reference: C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, §4.3.3 (IRLS).
public struct ObjectnessModel: Codable, Equatable, Sendable {
  /// What the model was trained on and how well it fitted.
  public struct Training: Codable, Equatable, Sendable {
    public var examples: Int
    public var positives: Int
    public var negatives: Int
    public var l2: Double
    public var iterations: Int
    /// Final mean log loss on the training set (without the penalty).
    public var loss: Double
    /// Training accuracy at probability 0.5.
    public var accuracy: Double
    /// Free text: generator, dataset, seed.
    public var notes: String

    public init(
      examples: Int, positives: Int, negatives: Int, l2: Double, iterations: Int, loss: Double,
      accuracy: Double, notes: String
    ) {
      self.examples = examples
      self.positives = positives
      self.negatives = negatives
      self.l2 = l2
      self.iterations = iterations
      self.loss = loss
      self.accuracy = accuracy
      self.notes = notes
    }
  }

  public var featureNames: [String]
  public var means: [Double]
  public var stds: [Double]
  public var weights: [Double]
  public var bias: Double
  public var training: Training

  enum CodingKeys: String, CodingKey {
    case featureNames = "feature_names"
    case means, stds, weights, bias, training
  }

  public init(
    featureNames: [String], means: [Double], stds: [Double], weights: [Double], bias: Double,
    training: Training
  ) {
    self.featureNames = featureNames
    self.means = means
    self.stds = stds
    self.weights = weights
    self.bias = bias
    self.training = training
  }

  /// The model's probability that a feature row is an object.
  /// - Precondition: `row.count == weights.count`.
  public func probability(_ row: [Float]) -> Float {
    precondition(row.count == weights.count, "ObjectnessModel: \(row.count) features")
    var z = bias
    for i in 0..<row.count { z += weights[i] * (Double(row[i]) - means[i]) / stds[i] }
    return Float(1 / (1 + exp(-z)))
  }

  /// Fits the model by Newton's method.
  ///
  /// - Parameters:
  ///   - features: One row per example, all of the same length.
  ///   - labels: `true` for objects; both classes must occur.
  ///   - featureNames: Names stored in the model. Default: ``ObjectnessFeatures/names``.
  ///   - l2: Penalty on the weights, `>= 0`. Default: `1e-3`.
  ///   - iterations: Newton steps. Default: `25`.
  ///   - notes: Stored in ``Training/notes``. Default: empty.
  /// - Throws: ``ObjectnessError/invalidTrainingData(reason:)``.
  /// - Complexity: O(`iterations` · *n* · *d*²) for *n* rows of *d* features.
  public static func train(
    features: [[Float]], labels: [Bool], featureNames: [String] = ObjectnessFeatures.names,
    l2: Double = 1e-3, iterations: Int = 25, notes: String = ""
  ) throws(ObjectnessError) -> ObjectnessModel {
    let n = features.count
    guard n == labels.count, n > 0 else {
      throw .invalidTrainingData(reason: "\(n) rows for \(labels.count) labels")
    }
    let d = features[0].count
    guard d == featureNames.count, features.allSatisfy({ $0.count == d }) else {
      throw .invalidTrainingData(reason: "rows must all have \(featureNames.count) features")
    }
    let positives = labels.filter { $0 }.count
    guard positives > 0 && positives < n else {
      throw .invalidTrainingData(reason: "needs both classes, got \(positives) of \(n) positive")
    }
    guard l2 >= 0, iterations >= 1 else {
      throw .invalidTrainingData(reason: "l2 \(l2) must be >= 0 and iterations \(iterations) >= 1")
    }
    var means = [Double](repeating: 0, count: d), stds = [Double](repeating: 0, count: d)
    for row in features { for j in 0..<d { means[j] += Double(row[j]) } }
    for j in 0..<d { means[j] /= Double(n) }
    for row in features {
      for j in 0..<d { stds[j] += (Double(row[j]) - means[j]) * (Double(row[j]) - means[j]) }
    }
    for j in 0..<d {
      let s = (stds[j] / Double(n)).squareRoot()
      stds[j] = s.isFinite && s > 1e-12 ? s : 1
    }
    // Standardised design with a trailing 1 for the bias.
    let m = d + 1
    var x = [Double](repeating: 0, count: n * m)
    for i in 0..<n {
      for j in 0..<d { x[i * m + j] = (Double(features[i][j]) - means[j]) / stds[j] }
      x[i * m + d] = 1
    }
    var beta = [Double](repeating: 0, count: m)
    for _ in 0..<iterations {
      var grad = [Double](repeating: 0, count: m)
      var hess = [Double](repeating: 0, count: m * m)
      for i in 0..<n {
        var z = 0.0
        for j in 0..<m { z += x[i * m + j] * beta[j] }
        let p = 1 / (1 + exp(-z))
        let r = p - (labels[i] ? 1 : 0), wgt = max(p * (1 - p), 1e-10)
        for j in 0..<m {
          grad[j] += r * x[i * m + j] / Double(n)
          for k in j..<m { hess[j * m + k] += wgt * x[i * m + j] * x[i * m + k] / Double(n) }
        }
      }
      for j in 0..<m { for k in 0..<j { hess[j * m + k] = hess[k * m + j] } }
      for j in 0..<d {
        grad[j] += l2 * beta[j]
        hess[j * m + j] += l2
      }
      hess[d * m + d] += 1e-9
      guard let step = solve(hess, grad, m) else { break }
      for j in 0..<m { beta[j] -= step[j] }
      if step.map(abs).max() ?? 0 < 1e-10 { break }
    }
    var loss = 0.0, correct = 0
    for i in 0..<n {
      var z = 0.0
      for j in 0..<m { z += x[i * m + j] * beta[j] }
      let p = min(max(1 / (1 + exp(-z)), 1e-12), 1 - 1e-12)
      loss -= labels[i] ? log(p) : log(1 - p)
      if (p >= 0.5) == labels[i] { correct += 1 }
    }
    return ObjectnessModel(
      featureNames: featureNames, means: means, stds: stds, weights: Array(beta[0..<d]),
      bias: beta[d],
      training: Training(
        examples: n, positives: positives, negatives: n - positives, l2: l2,
        iterations: iterations, loss: loss / Double(n), accuracy: Double(correct) / Double(n),
        notes: notes))
  }

  /// Gaussian elimination with partial pivoting; nil when singular.
  private static func solve(_ a: [Double], _ b: [Double], _ m: Int) -> [Double]? {
    var a = a, b = b
    for c in 0..<m {
      var pivot = c
      for r in (c + 1)..<m where abs(a[r * m + c]) > abs(a[pivot * m + c]) { pivot = r }
      guard abs(a[pivot * m + c]) > 1e-14 else { return nil }
      if pivot != c {
        for k in 0..<m { a.swapAt(c * m + k, pivot * m + k) }
        b.swapAt(c, pivot)
      }
      for r in (c + 1)..<m {
        let f = a[r * m + c] / a[c * m + c]
        if f == 0 { continue }
        for k in c..<m { a[r * m + k] -= f * a[c * m + k] }
        b[r] -= f * b[c]
      }
    }
    var x = [Double](repeating: 0, count: m)
    for r in stride(from: m - 1, through: 0, by: -1) {
      var s = b[r]
      for k in (r + 1)..<m { s -= a[r * m + k] * x[k] }
      x[r] = s / a[r * m + r]
    }
    return x
  }

  /// Checks sizes and finiteness; `file` names the source in errors.
  public func validate(file: String) throws(ObjectnessError) {
    guard featureNames == ObjectnessFeatures.names else {
      throw .malformed(
        file: file, field: "feature_names",
        reason: "expected \(ObjectnessFeatures.names), found \(featureNames)")
    }
    let d = featureNames.count
    for (field, values) in [("means", means), ("stds", stds), ("weights", weights)] {
      guard values.count == d else {
        throw .malformed(file: file, field: field, reason: "\(values.count) values, expected \(d)")
      }
      if let i = values.firstIndex(where: { !$0.isFinite }) {
        throw .malformed(file: file, field: "\(field)[\(i)]", reason: "not a finite number")
      }
    }
    if let i = stds.firstIndex(where: { $0 <= 0 }) {
      throw .malformed(file: file, field: "stds[\(i)]", reason: "\(stds[i]) is not > 0")
    }
    guard bias.isFinite else { throw .malformed(file: file, field: "bias", reason: "not finite") }
  }

  /// Reads and validates a model file.
  /// - Throws: ``ObjectnessError/unreadable(file:reason:)`` or
  ///   ``ObjectnessError/malformed(file:field:reason:)`` naming the key path.
  public static func load(from url: URL) throws(ObjectnessError) -> ObjectnessModel {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .unreadable(file: url.path, reason: error.localizedDescription)
    }
    return try decode(data, file: url.path)
  }

  /// Decodes and validates model JSON; `file` names the source in errors.
  public static func decode(_ data: Data, file: String) throws(ObjectnessError) -> ObjectnessModel {
    let model: ObjectnessModel
    do { model = try JSONDecoder().decode(ObjectnessModel.self, from: data) } catch {
      var field = "(root)"
      switch error as? DecodingError {
      case .keyNotFound(let key, let c):
        field = (c.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
      case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
        if !c.codingPath.isEmpty { field = c.codingPath.map(\.stringValue).joined(separator: ".") }
      default: break
      }
      throw .malformed(file: file, field: field, reason: ProposalsError.describe(error))
    }
    try model.validate(file: file)
    return model
  }

  /// Writes the model as pretty-printed, key-sorted JSON.
  public func save(to url: URL) throws(ObjectnessError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do { try encoder.encode(self).write(to: url, options: .atomic) } catch {
      throw .unreadable(file: url.path, reason: "\(error)")
    }
  }
}
