import Boxes

/// Trains one ``LinearSVM`` with hard-negative mining (Dalal & Triggs 2005; Girshick et al.
/// 2014, §2.3; Felzenszwalb et al. 2010): start from a seeded random subset of the negative
/// pool, then repeatedly train, score every pool negative not yet in the set, add the
/// highest-scoring ones that violate the margin (score > `hardScore`), and retrain. Mining
/// stops after `rounds` or when no new hard negative is found.
public struct HardNegativeMining: Sendable, Hashable {
  /// Negatives drawn at random for the first training. Default: 1000.
  public var initialNegatives: Int
  /// Mining rounds after the first training. Default: 3.
  public var rounds: Int
  /// Most negatives added per round. Default: 2000.
  public var maxAddedPerRound: Int
  /// A negative is hard when its score exceeds this (the margin). Default: -1.
  public var hardScore: Float
  /// The SVM's C. Default: 0.1.
  public var c: Float
  /// The seed of the initial subset and of the solver. Default: 0.
  public var seed: UInt64

  /// Creates a miner; see the type's documentation for each parameter.
  public init(
    initialNegatives: Int = 1000, rounds: Int = 3, maxAddedPerRound: Int = 2000,
    hardScore: Float = -1, c: Float = 0.1, seed: UInt64 = 0
  ) {
    self.initialNegatives = initialNegatives
    self.rounds = rounds
    self.maxAddedPerRound = maxAddedPerRound
    self.hardScore = hardScore
    self.c = c
    self.seed = seed
  }

  /// The result: the machine, the pool indices used as negatives, and how many each round
  /// added (the first entry is the initial subset).
  public struct Result: Sendable {
    /// The final machine.
    public var machine: LinearSVM
    /// Indices into the pool of the negatives of the final training.
    public var negativeIndices: [Int]
    /// Negatives added: initial subset, then one entry per round that ran.
    public var added: [Int]
  }

  /// Mines hard negatives from `pool` against `positives`.
  ///
  /// - Parameters:
  ///   - positives: The positive feature vectors.
  ///   - pool: The negative feature vectors to mine.
  ///   - featureCount: `d`, the size of the all-zero machine when there is no sample at all.
  ///     Default: nil, the length of the first vector.
  /// - Complexity: O(rounds · (SVM training + |pool| · d)).
  public func train(positives: [[Float]], pool: [[Float]], featureCount: Int? = nil) -> Result {
    var random = SplitMix64(seed: seed)
    var order = Array(pool.indices)
    order.shuffle(using: &random)
    var chosen = Array(order.prefix(initialNegatives)).sorted()
    var inSet = Set(chosen)
    var added = [chosen.count]
    var machine = fit(
      positives: positives, negatives: chosen, pool: pool, featureCount: featureCount)
    for _ in 0..<rounds {
      var hard: [(score: Float, index: Int)] = []
      for index in pool.indices where !inSet.contains(index) {
        let score = machine.score(pool[index])
        if score > hardScore { hard.append((score, index)) }
      }
      hard.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
      let new = hard.prefix(maxAddedPerRound).map(\.index)
      guard !new.isEmpty else { break }
      chosen = (chosen + new).sorted()
      inSet.formUnion(new)
      added.append(new.count)
      machine = fit(
        positives: positives, negatives: chosen, pool: pool, featureCount: featureCount)
    }
    return Result(machine: machine, negativeIndices: chosen, added: added)
  }

  private func fit(
    positives: [[Float]], negatives: [Int], pool: [[Float]], featureCount: Int?
  ) -> LinearSVM {
    let samples = positives + negatives.map { pool[$0] }
    let labels = positives.map { _ in true } + negatives.map { _ in false }
    let weight = Float(max(negatives.count, 1)) / Float(max(positives.count, 1))
    return LinearSVM(
      training: samples, positive: labels, c: c, positiveWeight: min(max(weight, 1), 10),
      seed: seed &+ 1, featureCount: featureCount)
  }
}
