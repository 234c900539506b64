/// Exact EdgeBoxes scores of boxes already scored on one image, keyed by the box's inclusive
/// pixel bounds: an open-addressing hash table with linear probing.
///
/// The greedy refinement of neighbouring coarse windows converges to the same boxes, and the
/// same trial box is met from many starts; looking its score up costs a hash probe instead of a
/// frame walk and an affinity propagation. Keys pack `x0, y0, x1, y1` in 16 bits each (boxes of
/// images up to 65 535 pixels a side; ``EdgeBoxScorer`` does not cache larger ones).
///
/// - Complexity: O(1) expected per lookup and insertion; the table doubles at half load.
struct EdgeBoxScoreCache: ~Copyable {
  private var keys: UnsafeMutableBufferPointer<UInt64>
  private var values: UnsafeMutableBufferPointer<Float>
  private(set) var count = 0
  /// Marks an empty slot; no box packs to it (it would need `x0 = 65 535` and `x1 = 65 535`
  /// with `y0 = y1 = 65 535`, a box outside any cached image).
  private static let empty = UInt64.max

  init(capacity: Int = 1 << 12) {
    var size = 16
    while size < 2 * capacity { size <<= 1 }
    keys = .allocate(capacity: size)
    keys.initialize(repeating: Self.empty)
    values = .allocate(capacity: size)
    values.initialize(repeating: 0)
  }

  deinit {
    keys.deallocate()
    values.deallocate()
  }

  /// The key of the box over columns `x0...x1`, rows `y0...y1`.
  @inline(__always)
  static func key(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> UInt64 {
    UInt64(truncatingIfNeeded: x0) | UInt64(truncatingIfNeeded: y0) << 16
      | UInt64(truncatingIfNeeded: x1) << 32 | UInt64(truncatingIfNeeded: y1) << 48
  }

  @inline(__always)
  private static func slot(_ key: UInt64, _ mask: Int) -> Int {
    // Fibonacci hashing: the high bits of the product mix all four coordinates.
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// The cached score for `key`, if any.
  @inline(__always)
  func value(for key: UInt64) -> Float? {
    let mask = keys.count - 1
    var i = Self.slot(key, mask)
    while true {
      let k = keys[i]
      if k == key { return values[i] }
      if k == Self.empty { return nil }
      i = (i + 1) & mask
    }
  }

  /// Stores `value` for `key` (which must not be present yet).
  mutating func insert(_ key: UInt64, _ value: Float) {
    if 2 * (count + 1) > keys.count { grow() }
    let mask = keys.count - 1
    var i = Self.slot(key, mask)
    while keys[i] != Self.empty { i = (i + 1) & mask }
    keys[i] = key
    values[i] = value
    count += 1
  }

  private mutating func grow() {
    let oldKeys = keys, oldValues = values
    keys = .allocate(capacity: oldKeys.count * 2)
    keys.initialize(repeating: Self.empty)
    values = .allocate(capacity: oldKeys.count * 2)
    values.initialize(repeating: 0)
    count = 0
    for i in oldKeys.indices where oldKeys[i] != Self.empty { insert(oldKeys[i], oldValues[i]) }
    oldKeys.deallocate()
    oldValues.deallocate()
  }
}
