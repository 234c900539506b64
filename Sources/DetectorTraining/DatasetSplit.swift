import Boxes

/// The seeded split of a training set into training and validation items, shared by every
/// trainer.
public enum DatasetSplit {
  /// Shuffles `0..<count` with `seed` and holds out `validationFraction` of it (rounded; at
  /// least one item stays in training).
  ///
  /// - Returns: Both index lists, ascending.
  public static func indices(count: Int, validationFraction: Double, seed: UInt64) -> (
    train: [Int], validation: [Int]
  ) {
    var order = Array(0..<count)
    var random = SplitMix64(seed: seed &+ 0x5EED)
    order.shuffle(using: &random)
    let fraction = min(max(validationFraction, 0), 1)
    let held = count > 1 ? min(Int((Double(count) * fraction).rounded()), count - 1) : 0
    return (order.dropFirst(held).sorted(), order.prefix(held).sorted())
  }
}
