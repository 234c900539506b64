/// How a detector was (or is to be) trained: schedule, batch, augmentation, validation share
/// and seed. Stored as `"training"` in a model folder's `config.json`, so `--resume` continues
/// with the same settings and a model says how it was made.
///
/// Architectures use the fields that apply to them: ``scaleJitter`` only Fast and Faster
/// R-CNN, ``outlierFraction`` only classify-localize; ``epochs`` and ``batchSize`` count
/// passes and images per step (regions per step for R-CNN's CNN).
public struct TrainingSettings: Sendable, Hashable, Codable {
  /// Passes over the training set. Default: `30`.
  public var epochs: Int = 30
  /// Images per optimisation step (regions for R-CNN's CNN). Default: `16`.
  public var batchSize: Int = 16
  /// Peak Adam learning rate. Default: `2e-3`.
  public var learningRate: Float = 2e-3
  /// L2 weight decay. Default: `1e-4`.
  public var weightDecay: Float = 1e-4
  /// Mirror each training image left-right with probability 1/2 (boxes mirrored too).
  /// Default: `true`.
  public var horizontalFlip: Bool = true
  /// Fast/Faster R-CNN: each training image's longer side is scaled by a factor drawn
  /// uniformly from this closed range (seeded); `nil` keeps the configured size.
  /// Default: `nil`.
  public var scaleJitter: ClosedRange<Float>? = nil
  /// Seed of the split, the initial weights, the shuffles and the augmentation. Default: `0`.
  public var seed: UInt64 = 0
  /// Share of the images held out (seeded) for validation after each epoch. Default: `0.2`.
  public var validationFraction: Double = 0.2
  /// Classify-localize: share of training boxes replaced by random boxes (label-noise
  /// experiments). Default: `0`.
  public var outlierFraction: Double = 0
  /// A checkpoint is written every this many epochs (and after the last). Default: `1`.
  public var checkpointEvery: Int = 1
  /// R-CNN and Fast R-CNN: where the training proposals came from, a proposal method name
  /// (`"selective-search"`) or the file name of a proposals file. `nil` for the others.
  public var proposals: String? = nil

  /// Creates settings; every parameter is the property of the same name.
  public init(
    epochs: Int = 30, batchSize: Int = 16, learningRate: Float = 2e-3, weightDecay: Float = 1e-4,
    horizontalFlip: Bool = true, scaleJitter: ClosedRange<Float>? = nil, seed: UInt64 = 0,
    validationFraction: Double = 0.2, outlierFraction: Double = 0, checkpointEvery: Int = 1,
    proposals: String? = nil
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.horizontalFlip = horizontalFlip
    self.scaleJitter = scaleJitter
    self.seed = seed
    self.validationFraction = validationFraction
    self.outlierFraction = outlierFraction
    self.checkpointEvery = checkpointEvery
    self.proposals = proposals
  }

  /// Checks every value against its range.
  ///
  /// - Parameter file: The file the settings came from, for the error.
  /// - Throws: ``DetectorsError/invalidValue(file:key:value:allowed:)`` naming the key.
  public func validate(file: String) throws {
    let check = ConfigurationCheck(file: file, prefix: "training.")
    try check.integer("epochs", epochs, in: 1...100_000)
    try check.integer("batchSize", batchSize, in: 1...65_536)
    try check.number("learningRate", Double(learningRate), in: 1e-12...10)
    try check.number("weightDecay", Double(weightDecay), in: 0...10)
    try check.number("validationFraction", validationFraction, in: 0...0.99)
    try check.number("outlierFraction", outlierFraction, in: 0...1)
    try check.integer("checkpointEvery", checkpointEvery, in: 1...100_000)
    if let scaleJitter {
      try check.number("scaleJitter.lowerBound", Double(scaleJitter.lowerBound), in: 0.1...10)
      try check.number("scaleJitter.upperBound", Double(scaleJitter.upperBound), in: 0.1...10)
    }
  }
}

extension TrainingSettings {
  enum CodingKeys: String, CodingKey {
    case epochs, batchSize, learningRate, weightDecay, horizontalFlip, scaleJitter, seed
    case validationFraction, outlierFraction, checkpointEvery, proposals
  }

  /// Reads the settings as written, with one difference from the synthesized decoder: a
  /// `"seed"` that is not an integer from 0 to 2⁶⁴ - 1 (such as -1) is a type mismatch naming
  /// `seed`, where Foundation's decoder reports invalid JSON without a key.
  public init(from decoder: any Decoder) throws {
    let values = try decoder.container(keyedBy: CodingKeys.self)
    self.init()
    epochs = try values.decode(Int.self, forKey: .epochs)
    batchSize = try values.decode(Int.self, forKey: .batchSize)
    learningRate = try values.decode(Float.self, forKey: .learningRate)
    weightDecay = try values.decode(Float.self, forKey: .weightDecay)
    horizontalFlip = try values.decode(Bool.self, forKey: .horizontalFlip)
    scaleJitter = try values.decodeIfPresent(ClosedRange<Float>.self, forKey: .scaleJitter)
    if (try? values.decode(Double.self, forKey: .seed)).map({ $0 < 0 }) ?? false {
      throw DecodingError.typeMismatch(
        UInt64.self,
        .init(
          codingPath: values.codingPath + [CodingKeys.seed],
          debugDescription: "a seed is an integer from 0 to 18446744073709551615"))
    }
    seed = try values.decode(UInt64.self, forKey: .seed)
    validationFraction = try values.decode(Double.self, forKey: .validationFraction)
    outlierFraction = try values.decode(Double.self, forKey: .outlierFraction)
    checkpointEvery = try values.decode(Int.self, forKey: .checkpointEvery)
    proposals = try values.decodeIfPresent(String.self, forKey: .proposals)
  }
}
