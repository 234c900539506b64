import Boxes
import Foundation
import ProposalIO

/// Turns a generator's proposals on images with ground truth into weighted examples and fits
/// an ``ObjectnessModel`` to them.
///
/// Each proposal's target follows its best IoU *o* with a ground-truth object:
/// - ``Target/averageRecall`` (default): the fraction of the IoU thresholds 0.5, 0.55, …,
///   0.95 that *o* reaches, i.e. the proposal's share of average recall (Hosang et al. 2016)
///   if it were the object's best proposal. Every proposal is labelled.
/// - ``Target/threshold``: `1` when *o* ≥ `positiveIoU`, `0` when *o* < `negativeIoU`, and
///   ignored in between (the pointwise labels of R-CNN-style samplers).
///
/// With ``Balance/object`` (default), each proposal that overlaps an object at IoU ≥ 0.5 is
/// weighted by 1 / (the number of such proposals of that object), rescaled so these
/// proposals keep their total weight: every object counts the same, however many boxes a
/// generator puts on it. Without it, large objects, which collect hundreds of overlapping
/// proposals, dominate the fit and pull the ranking towards large boxes, while average
/// recall counts each object once (Docs/objectness.md measures both).
///
///     let trainer = ObjectnessTrainer()
///     let examples = trainer.examples(proposals: proposals, cues: rows, groundTruth: boxes)
///     let model = try trainer.fit(examples, training: .init(generator: "edge-boxes"))
///
/// - Complexity: O(*P* · *G*) per image for *P* proposals and *G* objects; the fit is
///   O(iterations · *n* · *d*²).
///
/// References: J. Hosang, R. Benenson, P. Dollár, B. Schiele, "What makes for effective
/// detection proposals?", TPAMI 38(4), 2016, <https://doi.org/10.1109/TPAMI.2015.2465908>;
/// B. Alexe, T. Deselaers, V. Ferrari, "Measuring the Objectness of Image Windows", TPAMI
/// 34(11), 2012, <https://doi.org/10.1109/TPAMI.2012.28>.
public struct ObjectnessTrainer: Sendable, Hashable {
  /// How a proposal's IoU with the ground truth becomes its target.
  public enum Target: String, Sendable, Hashable, Codable, CaseIterable {
    /// The fraction of IoU thresholds 0.5:0.05:0.95 reached.
    case averageRecall = "average-recall"
    /// 1 at or above `positiveIoU`, 0 below `negativeIoU`, ignored between.
    case threshold
  }

  /// How examples are weighted.
  public enum Balance: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every object's overlapping proposals share one object's weight.
    case object
    /// Every proposal weighs 1.
    case none
  }

  /// One labelled proposal.
  public struct Example: Sendable, Hashable {
    /// Its cues, in the order of ``ObjectnessTrainer/cueNames``.
    public var features: [Float]
    /// Its target in `[0, 1]`.
    public var target: Float
    /// Its weight, `>= 0`.
    public var weight: Float
  }

  /// The cues fitted, by default those that help on held-out images: the four image cues
  /// and the generator's rank, level and score. Size, aspect and centre are left out: as
  /// linear terms they move large boxes forward and lower held-out recall
  /// (Docs/objectness.md).
  public static let defaultCueNames = [
    "edge_density", "edge_contrast", "color_contrast", "superpixel_straddling", "log_rank",
    "log_level", "log_score",
  ]

  /// The labelling rule. Default: ``Target/averageRecall``.
  public var target: Target
  /// Positive IoU of ``Target/threshold``, in `(0, 1]`. Default: `0.7` (Alexe et al. and
  /// Faster R-CNN's RPN).
  public var positiveIoU: Float
  /// Negative IoU of ``Target/threshold``, in `(0, positiveIoU]`. Default: `0.3`.
  public var negativeIoU: Float
  /// The weighting. Default: ``Balance/object``.
  public var balance: Balance
  /// At most this many labelled proposals per image, at most half of them with a positive
  /// target, drawn with the seed; `0` keeps all. Default: `0`.
  public var perImage: Int
  /// The cues fitted, each in ``ObjectnessFeatures/names``. Default: ``defaultCueNames``.
  public var cueNames: [String]
  /// How the cues are computed. Default: `ObjectnessFeatures.Settings()`.
  public var cueSettings: ObjectnessFeatures.Settings
  /// L2 penalty on the weights, `>= 0`. Default: `1e-3`.
  public var l2: Double
  /// Newton steps, `>= 1`. Default: `25`.
  public var iterations: Int
  /// γ of the diversity step stored in the model, `>= 0` (`0`: off). Default: `2`, tuned
  /// by cross-validation on coco-tiny (Docs/objectness.md).
  public var redundancyExponent: Float
  /// Seed of the per-image sampling (mixed with each image's index). Default: `0`.
  public var seed: UInt64

  /// Creates a trainer; see each property for its meaning and default.
  public init(
    target: Target = .averageRecall, positiveIoU: Float = 0.7, negativeIoU: Float = 0.3,
    balance: Balance = .object, perImage: Int = 0, cueNames: [String] = defaultCueNames,
    cueSettings: ObjectnessFeatures.Settings = ObjectnessFeatures.Settings(), l2: Double = 1e-3,
    iterations: Int = 25, redundancyExponent: Float = 2, seed: UInt64 = 0
  ) {
    self.target = target
    self.positiveIoU = positiveIoU
    self.negativeIoU = negativeIoU
    self.balance = balance
    self.perImage = perImage
    self.cueNames = cueNames
    self.cueSettings = cueSettings
    self.l2 = l2
    self.iterations = iterations
    self.redundancyExponent = redundancyExponent
    self.seed = seed
  }

  /// Checks every setting.
  ///
  /// - Throws: ``ObjectnessError/invalidTrainingData(reason:)`` naming the setting.
  public func validate() throws(ObjectnessError) {
    guard negativeIoU > 0, negativeIoU <= positiveIoU, positiveIoU <= 1 else {
      throw .invalidTrainingData(
        reason: "negativeIoU (\(negativeIoU)) and positiveIoU (\(positiveIoU)) must satisfy "
          + "0 < negative <= positive <= 1")
    }
    guard perImage == 0 || perImage >= 2 else {
      throw .invalidTrainingData(reason: "perImage must be 0 (all) or at least 2, got \(perImage)")
    }
    guard !cueNames.isEmpty, Set(cueNames).count == cueNames.count else {
      throw .invalidTrainingData(reason: "cueNames must name at least one cue, each once")
    }
    if let unknown = cueNames.first(where: { !ObjectnessFeatures.names.contains($0) }) {
      throw .invalidTrainingData(
        reason:
          "unknown cue \"\(unknown)\" (known: \(ObjectnessFeatures.names.joined(separator: ", ")))"
      )
    }
    do { try cueSettings.validate(file: "cue settings") } catch {
      throw .invalidTrainingData(reason: error.description)
    }
    guard l2 >= 0, l2.isFinite, iterations >= 1 else {
      throw .invalidTrainingData(reason: "l2 \(l2) must be >= 0 and iterations \(iterations) >= 1")
    }
    guard redundancyExponent >= 0, redundancyExponent.isFinite else {
      throw .invalidTrainingData(
        reason: "redundancyExponent must be finite and >= 0, got \(redundancyExponent)")
    }
  }

  /// The share of the IoU thresholds 0.5:0.05:0.95 that `iou` reaches.
  public static func averageRecallTarget(_ iou: Float) -> Float {
    var reached = 0
    for step in 0..<10 where iou >= Float(50 + 5 * step) / 100 { reached += 1 }
    return Float(reached) / 10
  }

  /// The labelled examples of one image.
  ///
  /// - Parameters:
  ///   - proposals: The generator's proposals, best first.
  ///   - cues: Their rows of ``ObjectnessFeatures/features(for:rank:count:)``.
  ///   - groundTruth: The image's objects (crowd and difficult ones left out by the caller).
  ///   - imageIndex: Mixed into the sampling seed. Default: `0`.
  /// - Returns: The examples in proposal order; none for an image without objects.
  public func examples(
    proposals: [Proposal], cues: [[Float]], groundTruth: [Box], imageIndex: Int = 0
  ) -> [Example] {
    precondition(proposals.count == cues.count, "examples: one cue row per proposal")
    guard !groundTruth.isEmpty, !proposals.isEmpty else { return [] }
    let columns = cueNames.map { name in ObjectnessFeatures.names.firstIndex(of: name) ?? 0 }
    var bestIoU = [Float](repeating: 0, count: proposals.count)
    var bestObject = [Int](repeating: 0, count: proposals.count)
    for (i, proposal) in proposals.enumerated() {
      for (g, box) in groundTruth.enumerated() {
        let iou = proposal.box.iou(box)
        if iou > bestIoU[i] {
          bestIoU[i] = iou
          bestObject[i] = g
        }
      }
    }
    var targets = [Float?](repeating: nil, count: proposals.count)
    for i in proposals.indices {
      switch target {
      case .averageRecall: targets[i] = Self.averageRecallTarget(bestIoU[i])
      case .threshold:
        if bestIoU[i] >= positiveIoU {
          targets[i] = 1
        } else if bestIoU[i] < negativeIoU {
          targets[i] = 0
        }
      }
    }
    var weights = [Float](repeating: 1, count: proposals.count)
    if balance == .object {
      var perObject = [Int](repeating: 0, count: groundTruth.count)
      for i in proposals.indices where targets[i] != nil && bestIoU[i] >= 0.5 {
        perObject[bestObject[i]] += 1
      }
      let overlapping = perObject.reduce(0, +), found = perObject.filter { $0 > 0 }.count
      if found > 0 {
        let rescale = Float(overlapping) / Float(found)
        for i in proposals.indices where targets[i] != nil && bestIoU[i] >= 0.5 {
          weights[i] = rescale / Float(perObject[bestObject[i]])
        }
      }
    }
    var chosen = proposals.indices.filter { targets[$0] != nil }
    if perImage > 0 && chosen.count > perImage {
      var random = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: imageIndex))
      func sample(_ pool: [Int], _ count: Int) -> [Int] {
        var pool = pool
        let take = min(count, pool.count)
        for i in 0..<take { pool.swapAt(i, i + Int(random.next() % UInt64(pool.count - i))) }
        return Array(pool.prefix(take))
      }
      let positive = chosen.filter { targets[$0]! > 0 },
        negative = chosen.filter { targets[$0]! == 0 }
      let objects = sample(positive, perImage / 2)
      chosen = (objects + sample(negative, perImage - objects.count)).sorted()
    }
    return chosen.map { i in
      Example(features: columns.map { cues[i][$0] }, target: targets[i]!, weight: weights[i])
    }
  }

  /// Fits a model to examples.
  ///
  /// - Parameters:
  ///   - examples: The examples of every training image.
  ///   - training: What the model is trained on (generator, dataset, images); its labelling
  ///     and fit fields are filled in here.
  /// - Returns: The model, with this trainer's cues, cue settings and redundancy exponent.
  /// - Throws: ``ObjectnessError/invalidTrainingData(reason:)`` for bad settings, no
  ///   examples, or examples of one class only.
  public func fit(_ examples: [Example], training: ObjectnessModel.Training) throws(ObjectnessError)
    -> ObjectnessModel
  {
    try validate()
    guard !examples.isEmpty else {
      throw .invalidTrainingData(reason: "no labelled proposals (no image has objects?)")
    }
    let result = try ObjectnessModel.fit(
      features: examples.map(\.features), targets: examples.map(\.target),
      weights: examples.map(\.weight), featureNames: cueNames, l2: l2, iterations: iterations)
    var record = training
    record.target = target
    record.positiveIoU = positiveIoU
    record.negativeIoU = negativeIoU
    record.balance = balance
    record.perImage = perImage
    record.examples = examples.count
    record.l2 = l2
    record.iterations = iterations
    record.loss = result.loss
    return ObjectnessModel(
      cues: cueSettings, featureNames: cueNames, means: result.means, stds: result.stds,
      weights: result.weights, bias: result.bias, redundancyExponent: redundancyExponent,
      training: record)
  }
}
