/// The visiting order of NMS: indices of the non-NaN scores by decreasing score, ties by
/// ascending index (the order of torchvision's `scores.sort(stable=True, descending=True)`).
///
/// Each score becomes a 32-bit key whose unsigned order is the reverse of the float order
/// (`-0.0` is first folded into `+0.0`, since the two compare equal), and the index fills the
/// low 32 bits, so one plain sort of `UInt64` values gives score order with index tie-breaks.
///
/// - Complexity: O(*n* log *n*).
func descendingScoreOrder(_ scores: [Float]) -> [Int] {
  precondition(scores.count <= Int(UInt32.max), "at most \(UInt32.max) scores are supported")
  var keys: [UInt64] = []
  keys.reserveCapacity(scores.count)
  for (index, score) in scores.enumerated() where !score.isNaN {
    let bits = (score == 0 ? Float(0) : score).bitPattern
    let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    keys.append(UInt64(~ascending) << 32 | UInt64(index))
  }
  keys.sort()
  return keys.map { Int($0 & 0xFFFF_FFFF) }
}
