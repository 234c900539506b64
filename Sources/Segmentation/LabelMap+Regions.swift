import Boxes

extension LabelMap {
  /// Size, bounding box and 8-connected neighbours of every label, in one pass over the map.
  ///
  /// Two labels are neighbours when some pixel of one is a horizontal, vertical or diagonal
  /// neighbour of a pixel of the other.
  ///
  ///     let regions = map.regions()
  ///     regions[3].neighbours    // e.g. [0, 2, 7], sorted
  ///
  /// - Returns: `count` regions, indexed by label.
  /// - Complexity: O(*n* + *b* log *b*) for *n* pixels and *b* distinct label pairs met
  ///   along boundaries.
  public func regions() -> [Region] {
    let n = count
    // Per label, contiguous (one cache line per touched label): size, minX, minY, maxX, maxY.
    var stats = [Int](repeating: 0, count: 5 * n)
    for label in 0..<n {
      stats[5 * label + 1] = Int.max
      stats[5 * label + 2] = Int.max
      stats[5 * label + 3] = -1
      stats[5 * label + 4] = -1
    }
    // Boundary pairs (smaller label << 32 | larger label); consecutive repeats are skipped.
    // The pairs and the last key are locals of the closure, not captured variables, so
    // appending carries no dynamic exclusivity check.
    var pairs: [UInt64] = labels.withUnsafeBufferPointer { map in
      stats.withUnsafeMutableBufferPointer { stats in
        var pairs: [UInt64] = []
        pairs.reserveCapacity(width + height)
        var last: UInt64 = .max
        for y in 0..<height {
          let row = y * width
          for x in 0..<width {
            let l = map[row + x]
            let s = 5 * Int(l)
            stats[s] += 1
            if x < stats[s + 1] { stats[s + 1] = x }
            if y < stats[s + 2] { stats[s + 2] = y }
            if x > stats[s + 3] { stats[s + 3] = x }
            stats[s + 4] = y
            // The up to four neighbours below and to the right that differ.
            var others: (Int32, Int32, Int32, Int32) = (l, l, l, l)
            if x + 1 < width { others.0 = map[row + x + 1] }
            if y + 1 < height {
              let below = row + width + x
              others.1 = map[below]
              if x + 1 < width { others.2 = map[below + 1] }
              if x > 0 { others.3 = map[below - 1] }
            }
            if others == (l, l, l, l) { continue }
            for other in [others.0, others.1, others.2, others.3] where other != l {
              let key =
                l < other ? UInt64(l) << 32 | UInt64(other) : UInt64(other) << 32 | UInt64(l)
              if key != last {
                pairs.append(key)
                last = key
              }
            }
          }
        }
        return pairs
      }
    }
    pairs.sort()
    var neighbours = [[Int]](repeating: [], count: n)
    var previous: UInt64 = .max
    for key in pairs where key != previous {
      previous = key
      let a = Int(key >> 32), b = Int(key & 0xFFFF_FFFF)
      neighbours[a].append(b)
      neighbours[b].append(a)
    }
    // Pairs are sorted by (smaller, larger), so each list is filled in two sorted runs:
    // smaller partners (appended while visiting them) then larger ones.
    return (0..<n).map { label in
      Region(
        size: stats[5 * label],
        bounds: Box(
          x1: Float(stats[5 * label + 1]), y1: Float(stats[5 * label + 2]),
          x2: Float(stats[5 * label + 3] + 1), y2: Float(stats[5 * label + 4] + 1)),
        neighbours: neighbours[label])
    }
  }
}
