/// Union–find over the integers `0..<count` with union by size, path halving, and the
/// internal difference Felzenszwalb–Huttenlocher segmentation tracks per set.
///
/// Each set is a tree whose root represents it; ``root(of:)`` halves the path it walks, and
/// ``union(_:_:internalDifference:)`` hangs the smaller tree below the larger one (the
/// lower root index wins a tie), so every operation takes amortised O(α(*n*)) time. Parents
/// (at a root: the negated set size) and internal differences are two arrays of 4 bytes
/// per element: a 12-megapixel graph needs 96 MB and no per-element allocation. Both live
/// in ``LargeBuffer``s (huge pages for large sets), which copies of a `DisjointSet` share:
/// the module never copies one.
///
///     var sets = DisjointSet(count: 4)
///     sets.union(sets.root(of: 0), sets.root(of: 2), internalDifference: 0.5)
///     sets.root(of: 2) == sets.root(of: 0)   // true
///     sets.size(ofRoot: sets.root(of: 0))     // 2
///
/// Hot loops take the storage with ``withUnsafeStorage(_:)`` and call the static forms, which
/// avoid the array's uniqueness and exclusivity checks.
///
/// Invariants (checked by `checkInvariants()` in builds with `REGIONKIT_INTERNAL_CHECKS`):
/// parents lie in range, every path reaches a root, and a root's size is the number of
/// elements below it.
///
/// Reference: R. E. Tarjan, J. van Leeuwen, "Worst-case analysis of set union algorithms",
/// JACM 31(2), 1984. <https://doi.org/10.1145/62.2160>
struct DisjointSet {
  /// Per element the parent's index, or at a root `-size`. Kept apart from the internal
  /// differences so that the union–find walks of the merge pass, which touch parents only,
  /// read 4 bytes per element (half the cache footprint of a combined node).
  private(set) var parents: LargeBuffer<Int32>
  /// Per element the set's internal difference (FH's Int(C); 0 for singletons),
  /// meaningful at roots only.
  private(set) var differences: LargeBuffer<Float>

  /// `count` singleton sets, each with internal difference `internalDifference`.
  init(count: Int, internalDifference: Float = 0) {
    precondition(
      count >= 0 && count <= Int(Int32.max), "DisjointSet: \(count) elements do not fit Int32")
    parents = LargeBuffer(uninitializedCount: count)
    parents.buffer.initialize(repeating: -1)
    differences = LargeBuffer(uninitializedCount: count)
    differences.buffer.initialize(repeating: internalDifference)
  }

  /// Number of elements.
  var count: Int { parents.count }

  /// Number of disjoint sets (roots). O(*n*).
  var setCount: Int {
    parents.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
  }

  /// Calls `body` with the parent and internal-difference storage for the static,
  /// check-free operations.
  mutating func withUnsafeStorage<Result>(
    _ body: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Float>) throws -> Result
  ) rethrows -> Result {
    try withExtendedLifetime((parents, differences)) { try body(parents.base, differences.base) }
  }

  /// The root of `element`'s set; halves the path on the way.
  @inline(__always)
  static func root(of element: Int, in parents: UnsafeMutablePointer<Int32>) -> Int {
    var x = element
    while true {
      let p = parents[x]
      if p < 0 { return x }
      let grandparent = parents[Int(p)]
      if grandparent < 0 { return Int(p) }
      parents[x] = grandparent
      x = Int(grandparent)
    }
  }

  /// Joins the sets whose roots are `a` and `b` (distinct) and returns the new root; the
  /// caller records the new root's internal difference.
  @inline(__always)
  @discardableResult
  static func union(_ a: Int, _ b: Int, in parents: UnsafeMutablePointer<Int32>) -> Int {
    let sizeA = 0 &- parents[a], sizeB = 0 &- parents[b]
    let (big, small) = (sizeA > sizeB || (sizeA == sizeB && a < b)) ? (a, b) : (b, a)
    // Sizes and indices fit Int32 (checked by `init`): no overflow checks in the hot loop.
    parents[big] = 0 &- (sizeA &+ sizeB)
    parents[small] = Int32(truncatingIfNeeded: big)
    return big
  }

  /// The root of `element`'s set; halves the path on the way.
  mutating func root(of element: Int) -> Int {
    withUnsafeStorage { parents, _ in DisjointSet.root(of: element, in: parents) }
  }

  /// Whether `element` is a root.
  func isRoot(_ element: Int) -> Bool { parents[element] < 0 }

  /// Size of the set whose root is `root`.
  func size(ofRoot root: Int) -> Int { Int(-parents[root]) }

  /// Internal difference of the set whose root is `root`.
  func internalDifference(ofRoot root: Int) -> Float { differences[root] }

  /// Joins the sets whose roots are `a` and `b` (distinct), records `internalDifference` at
  /// the new root and returns it.
  @discardableResult
  mutating func union(_ a: Int, _ b: Int, internalDifference: Float = 0) -> Int {
    precondition(a != b, "DisjointSet.union: \(a) is already joined")
    precondition(isRoot(a) && isRoot(b), "DisjointSet.union: \(a) or \(b) is not a root")
    return withUnsafeStorage { parents, differences in
      let root = DisjointSet.union(a, b, in: parents)
      differences[root] = internalDifference
      return root
    }
  }

  /// The sets as a dense label map, numbered in raster order of first appearance.
  ///
  /// The internal differences' storage holds each root's label meanwhile (no second array of
  /// 4 bytes per element), so they are lost: call it last.
  mutating func labelMap(width: Int, height: Int) -> LabelMap {
    let n = count
    var labels = [Int32](repeating: 0, count: n)
    var next: Int32 = 0
    withUnsafeStorage { nodes, differences in
      differences.withMemoryRebound(to: Int32.self, capacity: n) {
        let labelOfRoot = UnsafeMutableBufferPointer(start: $0, count: n)
        labelOfRoot.update(repeating: -1)
        labels.withUnsafeMutableBufferPointer { labels in
          for p in 0..<n {
            let r = DisjointSet.root(of: p, in: nodes)
            if labelOfRoot[r] < 0 {
              labelOfRoot[r] = next
              next += 1
            }
            labels[p] = labelOfRoot[r]
          }
        }
      }
    }
    return LabelMap(uncheckedWidth: width, height: height, labels: labels, count: Int(next))
  }
}
