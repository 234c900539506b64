import Foundation
import ProposalIO

/// A learned objectness scorer for one proposal generator: L2-regularised logistic
/// regression over standardised ``ObjectnessFeatures`` cues, with the settings of the
/// diversity step that follows it, stored as JSON (`objectness.json`).
///
/// P(object | x) = σ(w · (x − μ) / σ_x + b) over the cues named in ``featureNames``. Training
/// is deterministic Newton's method (iteratively reweighted least squares) on the full batch,
/// minimising the weighted mean cross-entropy against targets in `[0, 1]` plus
/// `l2 / 2 · |w|²` (the bias is not penalised); ``ObjectnessTrainer`` makes the targets and
/// weights.
///
///     let model = try ObjectnessModel.load(from: URL(fileURLWithPath: "objectness.json"))
///     try model.checkGenerator(name: "selective-search", settings: "mode fast", file: "m.json")
///     let p = model.probability(cues: row)
///
/// JSON keys: `format_version` (2), `cues` (``ObjectnessFeatures/Settings``),
/// `feature_names`, `means`, `stds`, `weights`, `bias`, `redundancy_exponent` (the diversity
/// step's γ, see ``diverseOrder(boxes:scores:redundancyExponent:)``; `0` turns it off) and
/// `training`: the generator (`generator`, `generator_settings`), the data (`dataset`,
/// `images`, `image_list_fnv1a64`), the labelling (`target`, `positive_iou`, `negative_iou`,
/// `balance`, `per_image`) and the fit (`examples`, `l2`, `iterations`, `loss`, `notes`).
///
/// Reference: C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, §4.3.3 (IRLS).
public struct ObjectnessModel: Codable, Equatable, Sendable {
  /// The version of the file format this code reads and writes.
  public static let currentFormatVersion = 2

  /// What the model was trained on, with which generator, and how well it fitted.
  public struct Training: Codable, Equatable, Sendable {
    /// The generator's ``ProposalGenerator/name`` (e.g. `"selective-search"`).
    public var generator: String
    /// The generator's settings that change its output, as its caller described them
    /// (e.g. `"mode fast"`); empty when not given.
    public var generatorSettings: String
    /// The training dataset's name (its folder name, never a path).
    public var dataset: String
    /// The number of training images.
    public var images: Int
    /// FNV-1a 64 of the training images' file names, one per line in training order, as 16
    /// hex digits: tells two training sets apart without listing them.
    public var imageListHash: String
    /// How proposals were labelled (``ObjectnessTrainer/Target``).
    public var target: ObjectnessTrainer.Target
    /// The positive IoU of the `threshold` target.
    public var positiveIoU: Float
    /// The negative IoU of the `threshold` target.
    public var negativeIoU: Float
    /// How examples were weighted (``ObjectnessTrainer/Balance``).
    public var balance: ObjectnessTrainer.Balance
    /// Proposals sampled per image; `0` took all of them.
    public var perImage: Int
    /// The number of labelled proposals.
    public var examples: Int
    /// The L2 penalty on the weights.
    public var l2: Double
    /// The Newton steps allowed.
    public var iterations: Int
    /// Final weighted mean cross-entropy on the training set (without the penalty).
    public var loss: Double
    /// Free text.
    public var notes: String

    enum CodingKeys: String, CodingKey {
      case generator
      case generatorSettings = "generator_settings"
      case dataset, images
      case imageListHash = "image_list_fnv1a64"
      case target
      case positiveIoU = "positive_iou"
      case negativeIoU = "negative_iou"
      case balance
      case perImage = "per_image"
      case examples, l2, iterations, loss, notes
    }

    /// Creates a training record (see each property).
    public init(
      generator: String, generatorSettings: String = "", dataset: String = "", images: Int = 0,
      imageListHash: String = "", target: ObjectnessTrainer.Target = .averageRecall,
      positiveIoU: Float = 0.7, negativeIoU: Float = 0.3,
      balance: ObjectnessTrainer.Balance = .object, perImage: Int = 0, examples: Int = 0,
      l2: Double = 1e-3, iterations: Int = 25, loss: Double = 0, notes: String = ""
    ) {
      self.generator = generator
      self.generatorSettings = generatorSettings
      self.dataset = dataset
      self.images = images
      self.imageListHash = imageListHash
      self.target = target
      self.positiveIoU = positiveIoU
      self.negativeIoU = negativeIoU
      self.balance = balance
      self.perImage = perImage
      self.examples = examples
      self.l2 = l2
      self.iterations = iterations
      self.loss = loss
      self.notes = notes
    }
  }

  /// The file format version, ``currentFormatVersion`` for models this code writes.
  public var formatVersion: Int
  /// How the cues are computed; must match at use.
  public var cues: ObjectnessFeatures.Settings
  /// The cues used, a subset of ``ObjectnessFeatures/names`` in any order.
  public var featureNames: [String]
  /// Per-cue training means.
  public var means: [Double]
  /// Per-cue training standard deviations (1 for constant cues).
  public var stds: [Double]
  /// Per-cue weights on the standardised cues.
  public var weights: [Double]
  /// The bias.
  public var bias: Double
  /// γ of the diversity step: a proposal's score is discounted by `1 − m^γ`, *m* its
  /// largest IoU with the proposals ranked before it; `0` keeps the plain score order.
  public var redundancyExponent: Float
  /// What the model was trained on.
  public var training: Training

  enum CodingKeys: String, CodingKey {
    case formatVersion = "format_version"
    case cues
    case featureNames = "feature_names"
    case means, stds, weights, bias
    case redundancyExponent = "redundancy_exponent"
    case training
  }

  /// Creates a model from its parts (see each property).
  public init(
    cues: ObjectnessFeatures.Settings = ObjectnessFeatures.Settings(), featureNames: [String],
    means: [Double], stds: [Double], weights: [Double], bias: Double,
    redundancyExponent: Float = 2, training: Training
  ) {
    self.formatVersion = Self.currentFormatVersion
    self.cues = cues
    self.featureNames = featureNames
    self.means = means
    self.stds = stds
    self.weights = weights
    self.bias = bias
    self.redundancyExponent = redundancyExponent
    self.training = training
  }

  /// The positions of ``featureNames`` in ``ObjectnessFeatures/names``.
  /// - Precondition: the model is valid (``validate(file:)``).
  public var columns: [Int] {
    featureNames.map { name in
      guard let index = ObjectnessFeatures.names.firstIndex(of: name) else {
        preconditionFailure("ObjectnessModel: unknown cue \(name); validate the model first")
      }
      return index
    }
  }

  /// The model's probability that a proposal is an object, from its full cue row.
  ///
  /// - Parameters:
  ///   - cues: A row of ``ObjectnessFeatures/features(for:rank:count:)``.
  ///   - columns: ``columns``, passed in when scoring many rows. Default: ``columns``.
  /// - Precondition: `cues.count == ObjectnessFeatures.names.count`.
  public func probability(cues: [Float], columns: [Int]? = nil) -> Float {
    precondition(
      cues.count == ObjectnessFeatures.names.count, "ObjectnessModel: \(cues.count) cues")
    let columns = columns ?? self.columns
    var z = bias
    for (j, column) in columns.enumerated() {
      z += weights[j] * (Double(cues[column]) - means[j]) / stds[j]
    }
    return Float(1 / (1 + exp(-z)))
  }

  /// Scores proposals and orders them with the diversity step: the re-ranking of
  /// ``ObjectnessReranker`` once the cues are computed.
  ///
  /// - Parameters:
  ///   - proposals: A generator's proposals, best first.
  ///   - cues: Their rows of ``ObjectnessFeatures/features(for:rank:count:)``.
  /// - Returns: The same proposals reordered by
  ///   ``diverseOrder(boxes:scores:redundancyExponent:)`` on the model's probabilities, each
  ///   scored with its discounted probability.
  /// - Complexity: O(*N* · *d*) scoring plus O(*N*²) ordering.
  public func rank(_ proposals: [Proposal], cues: [[Float]]) -> [Proposal] {
    precondition(proposals.count == cues.count, "ObjectnessModel.rank: one cue row per proposal")
    let columns = self.columns
    let scores = cues.map { probability(cues: $0, columns: columns) }
    return diverseOrder(
      boxes: proposals.map(\.box), scores: scores, redundancyExponent: redundancyExponent
    ).map { index, score in
      var proposal = proposals[index]
      proposal.score = score
      return proposal
    }
  }

  /// Fits the weights by Newton's method.
  ///
  /// - Parameters:
  ///   - features: One row per example, with the cues of `featureNames` in that order.
  ///   - targets: Per-example targets in `[0, 1]` (`1` object, `0` background).
  ///   - exampleWeights: Per-example weights `>= 0`, not all `0`. Default: all `1`.
  ///   - featureNames: Names of the columns, each in ``ObjectnessFeatures/names``.
  ///   - l2: Penalty on the weights, `>= 0`. Default: `1e-3`.
  ///   - iterations: Newton steps, `>= 1`. Default: `25`.
  /// - Returns: `(means, stds, weights, bias, loss)`: the standardisation, the fit and its
  ///   final weighted mean cross-entropy.
  /// - Throws: ``ObjectnessError/invalidTrainingData(reason:)``.
  /// - Complexity: O(`iterations` · *n* · *d*²) for *n* rows of *d* cues.
  public static func fit(
    features: [[Float]], targets: [Float], weights exampleWeights: [Float]? = nil,
    featureNames: [String], l2: Double = 1e-3, iterations: Int = 25
  ) throws(ObjectnessError) -> (
    means: [Double], stds: [Double], weights: [Double], bias: Double, loss: Double
  ) {
    let n = features.count
    guard n == targets.count, n > 0, exampleWeights.map({ $0.count == n }) ?? true else {
      throw .invalidTrainingData(
        reason: "\(n) rows for \(targets.count) targets and \(exampleWeights?.count ?? n) weights")
    }
    let d = featureNames.count
    guard d > 0, features.allSatisfy({ $0.count == d }) else {
      throw .invalidTrainingData(reason: "rows must all have \(d) cues, at least one")
    }
    if let unknown = featureNames.first(where: { !ObjectnessFeatures.names.contains($0) }) {
      throw .invalidTrainingData(
        reason:
          "unknown cue \"\(unknown)\" (known: \(ObjectnessFeatures.names.joined(separator: ", ")))")
    }
    guard targets.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
      throw .invalidTrainingData(reason: "targets must lie in [0, 1]")
    }
    let w = exampleWeights ?? [Float](repeating: 1, count: n)
    guard w.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
      throw .invalidTrainingData(reason: "weights must be finite and >= 0")
    }
    let positive = zip(targets, w).reduce(0.0) { $0 + Double($1.0 * $1.1) }
    let total = w.reduce(0.0) { $0 + Double($1) }
    guard positive > 0 && positive < total else {
      throw .invalidTrainingData(
        reason: "needs objects and background, got a weighted mean target of "
          + "\(total > 0 ? positive / total : 0)")
    }
    guard l2 >= 0, l2.isFinite, iterations >= 1 else {
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
    let scale = w.map { Double($0) / total }
    var beta = [Double](repeating: 0, count: m)
    for _ in 0..<iterations {
      var grad = [Double](repeating: 0, count: m)
      var hess = [Double](repeating: 0, count: m * m)
      for i in 0..<n where scale[i] > 0 {
        var z = 0.0
        for j in 0..<m { z += x[i * m + j] * beta[j] }
        let p = 1 / (1 + exp(-z))
        let r = (p - Double(targets[i])) * scale[i]
        let h = max(p * (1 - p), 1e-10) * scale[i]
        for j in 0..<m {
          let xj = x[i * m + j]
          grad[j] += r * xj
          for k in j..<m { hess[j * m + k] += h * xj * x[i * m + k] }
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
    var loss = 0.0
    for i in 0..<n where scale[i] > 0 {
      var z = 0.0
      for j in 0..<m { z += x[i * m + j] * beta[j] }
      let p = min(max(1 / (1 + exp(-z)), 1e-12), 1 - 1e-12)
      let y = Double(targets[i])
      loss -= scale[i] * (y * log(p) + (1 - y) * log(1 - p))
    }
    return (means, stds, Array(beta[0..<d]), beta[d], loss)
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

  /// Refuses a generator the model was not trained for.
  ///
  /// - Parameters:
  ///   - name: The generator's ``ProposalGenerator/name``.
  ///   - settings: Its output-changing settings, described as at training; `nil` skips
  ///     comparing them. Default: `nil`.
  ///   - file: Names the model in the error. Default: `"objectness model"`.
  /// - Throws: ``ObjectnessError/generatorMismatch(file:trainedFor:given:)`` when the name
  ///   differs, or when both settings are known and differ.
  public func checkGenerator(
    name: String, settings: String? = nil, file: String = "objectness model"
  ) throws(ObjectnessError) {
    let trained = Self.describe(training.generator, training.generatorSettings)
    if name != training.generator {
      throw .generatorMismatch(
        file: file, trainedFor: trained, given: Self.describe(name, settings ?? ""))
    }
    if let settings, !training.generatorSettings.isEmpty, settings != training.generatorSettings {
      throw .generatorMismatch(
        file: file, trainedFor: trained, given: Self.describe(name, settings))
    }
  }

  private static func describe(_ name: String, _ settings: String) -> String {
    settings.isEmpty ? name : "\(name) (\(settings))"
  }

  /// Checks the version, sizes, names and finiteness; `file` names the source in errors.
  ///
  /// - Throws: ``ObjectnessError/unsupportedVersion(file:version:)`` or
  ///   ``ObjectnessError/malformed(file:field:reason:)`` naming the key path.
  public func validate(file: String) throws(ObjectnessError) {
    guard formatVersion == Self.currentFormatVersion else {
      throw .unsupportedVersion(file: file, version: formatVersion)
    }
    try cues.validate(file: file)
    guard !featureNames.isEmpty else {
      throw .malformed(file: file, field: "feature_names", reason: "names no cue")
    }
    if let i = featureNames.firstIndex(where: { !ObjectnessFeatures.names.contains($0) }) {
      throw .malformed(
        file: file, field: "feature_names[\(i)]",
        reason: "\"\(featureNames[i])\" is not one of \(ObjectnessFeatures.names)")
    }
    guard Set(featureNames).count == featureNames.count else {
      throw .malformed(file: file, field: "feature_names", reason: "names a cue twice")
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
    guard redundancyExponent >= 0 && redundancyExponent.isFinite else {
      throw .malformed(
        file: file, field: "redundancy_exponent",
        reason: "\(redundancyExponent) is not a finite value >= 0")
    }
    guard !training.generator.isEmpty else {
      throw .malformed(file: file, field: "training.generator", reason: "is empty")
    }
  }

  /// Reads and validates a model file.
  /// - Throws: ``ObjectnessError/unreadable(file:reason:)``,
  ///   ``ObjectnessError/unsupportedVersion(file:version:)`` or
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
    // Files of the first format have no version key: say so rather than name a missing key.
    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      object["format_version"] == nil, object["weights"] != nil
    {
      throw .unsupportedVersion(file: file, version: 1)
    }
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
      throw .malformed(file: file, field: field, reason: ProposalIOError.describe(error))
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
