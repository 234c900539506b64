import Boxes

/// The seeded boxes, scores and class ids of the Boxes benchmarks.
///
/// Every value is a small dyadic rational (whole eighths of a pixel, scores in 2^-24 steps),
/// so it is exact in `Float` and in Python: `Tools/peers/boxes_peer.py` draws the same
/// ``SplitMix64`` sequence and builds bit-identical inputs for torchvision.
///
/// Per box, six draws in this order: `x1 = (r % 8000) / 8`, `y1 = (r % 6400) / 8`
/// (a 1000 x 800 image), `width = (64 + r % 1536) / 8`, `height = (64 + r % 1536) / 8`
/// (8 to 200 pixels), `score = (r >> 40) / 2^24`, `classID = r % 80`.
public struct BenchmarkBoxes: Sendable {
  /// The boxes.
  public var boxes: [Box] = []
  /// One score per box in `[0, 1)`.
  public var scores: [Float] = []
  /// One class id per box in `0..<80`.
  public var classIDs: [Int] = []

  /// The seed every benchmark and the peer use.
  public static let seed: UInt64 = 20_261_125

  /// Draws `count` boxes from ``SplitMix64`` seeded with `seed`.
  public init(count: Int, seed: UInt64 = BenchmarkBoxes.seed) {
    var generator = SplitMix64(seed: seed)
    for _ in 0..<count {
      let x1 = Float(generator.next() % 8000) / 8
      let y1 = Float(generator.next() % 6400) / 8
      let width = Float(64 + generator.next() % 1536) / 8
      let height = Float(64 + generator.next() % 1536) / 8
      boxes.append(Box(x1: x1, y1: y1, x2: x1 + width, y2: y1 + height))
      scores.append(Float(generator.next() >> 40) / 16_777_216)
      classIDs.append(Int(generator.next() % 80))
    }
  }
}
