import Boxes

/// Draws a fixed-size training minibatch of foreground and background candidates with at
/// most a given share of foreground: torchvision's `BalancedPositiveNegativeSampler`.
///
/// Used with 256 anchors, 50% positive by the region proposal network (Ren et al. 2015) and
/// 64 RoIs per image, 25% foreground by the Fast R-CNN head (Girshick 2015, §2.3). When there
/// are too few foreground candidates the rest are background; when there are too few of
/// both the sample is smaller.
///
/// - Complexity: O(*N*) for *N* candidates (a seeded partial Fisher–Yates shuffle).
public struct BalancedSampler: Hashable, Sendable, Codable {
  /// Candidates drawn per image.
  public var sampleCount: Int
  /// The largest share of foreground in a sample, in `[0, 1]`.
  public var positiveFraction: Float

  /// Creates a sampler.
  ///
  /// - Parameters:
  ///   - sampleCount: Candidates drawn per image, at least 1.
  ///   - positiveFraction: The largest share of foreground in a sample, from 0 to 1.
  /// - Throws: ``DetectorsError/invalidParameter(type:field:value:expected:)`` naming
  ///   `sampleCount` or `positiveFraction` when it is out of range.
  public init(sampleCount: Int, positiveFraction: Float) throws(DetectorsError) {
    guard sampleCount >= 1 else {
      throw .invalidParameter(
        type: "BalancedSampler", field: "sampleCount", value: "\(sampleCount)",
        expected: "at least 1")
    }
    guard (0...1).contains(positiveFraction) else {
      throw .invalidParameter(
        type: "BalancedSampler", field: "positiveFraction", value: "\(positiveFraction)",
        expected: "0 to 1")
    }
    self.sampleCount = sampleCount
    self.positiveFraction = positiveFraction
  }

  /// Samples among `positives` and `negatives` (candidate indices).
  ///
  /// - Parameters:
  ///   - positives: Foreground candidate indices.
  ///   - negatives: Background candidate indices.
  ///   - seed: Seed of the draw; the same inputs and seed give the same sample.
  /// - Returns: The chosen foreground and background indices, each in drawing order.
  public func sample(positives: [Int], negatives: [Int], seed: UInt64) -> (
    positives: [Int], negatives: [Int]
  ) {
    var random = SplitMix64(seed: seed)
    let positiveCount = min(positives.count, Int(Float(sampleCount) * positiveFraction))
    let negativeCount = min(negatives.count, sampleCount - positiveCount)
    return (
      Self.draw(positiveCount, from: positives, using: &random),
      Self.draw(negativeCount, from: negatives, using: &random)
    )
  }

  static func draw(_ count: Int, from pool: [Int], using random: inout SplitMix64) -> [Int] {
    var pool = pool
    for i in 0..<count {
      let j = i + Int(random.next() % UInt64(pool.count - i))
      pool.swapAt(i, j)
    }
    return Array(pool.prefix(count))
  }
}
