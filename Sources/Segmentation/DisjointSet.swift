/// Union–find over the integers `0..<count` with union by size, path halving, and the
/// internal difference Felzenszwalb–Huttenlocher segmentation tracks per set.
///
/// Each set is a tree whose root represents it; ``root(of:)`` halves the path it walks, and
/// ``union(_:_:internalDifference:)`` hangs the smaller tree below the larger one (the
/// lower root index wins a tie), so every operation takes amortised O(α(*n*)) time. A node
/// packs the parent (at a root: the negated set size) and the internal difference into 8
/// bytes, so visiting a root touches one cache line: a 12-megapixel graph needs 96 MB and
/// no per-element allocation. The nodes live in a ``LargeBuffer`` (huge pages for large
/// sets), which copies of a `DisjointSet` share: the module never copies one.
///
///     var sets = DisjointSet(count: 4)
///     sets.union(sets.root(of: 0), sets.root(of: 2), internalDifference: 0.5)
///     sets.root(of: 2) == sets.root(of: 0)   // true
///     sets.size(ofRoot: sets.root(of: 0))     // 2
///
/// Hot loops take the nodes with ``withUnsafeNodes(_:)`` and call the static forms, which
/// avoid the array's uniqueness and exclusivity checks.
///
/// Invariants (checked by `checkInvariants()` in builds with `REGIONKIT_INTERNAL_CHECKS`):
/// parents lie in range, every path reaches a root, and a root's size is the number of
/// elements below it.
///
/// Reference: R. E. Tarjan, J. van Leeuwen, "Worst-case analysis of set union algorithms",
/// JACM 31(2), 1984. <https://doi.org/10.1145/62.2160>
struct DisjointSet {
  /// One element: the parent's index, or at a root `-size`; `internalDifference` is
  /// meaningful at roots only.
  struct Node {
    var parent: Int32
    /// The largest edge weight merged into the set (FH's Int(C)); 0 for singletons.
    var internalDifference: Float

    /// Whether this node is a root.
    var isRoot: Bool { parent < 0 }
    /// The set size, for a root.
    var size: Int32 { -parent }
  }

  private(set) var nodes: LargeBuffer<Node>

  /// `count` singleton sets, each with internal difference `internalDifference`.
  init(count: Int, internalDifference: Float = 0) {
    precondition(count >= 0 && count <= Int(Int32.max), "DisjointSet: \(count) elements do not fit Int32")
    let singleton = Node(parent: -1, internalDifference: internalDifference)
    nodes = LargeBuffer(uninitializedCount: count)
    nodes.buffer.initialize(repeating: singleton)
  }

  /// Number of elements.
  var count: Int { nodes.count }

  /// Number of disjoint sets (roots). O(*n*).
  var setCount: Int {
    nodes.reduce(0) { $0 + ($1.isRoot ? 1 : 0) }
  }

  /// Calls `body` with the node storage for the static, check-free operations.
  mutating func withUnsafeNodes<Result>(_ body: (UnsafeMutablePointer<Node>) throws -> Result) rethrows -> Result {
    try withExtendedLifetime(nodes) { try body(nodes.base) }
  }

  /// The root of `element`'s set; halves the path on the way.
  @inline(__always)
  static func root(of element: Int, in nodes: UnsafeMutablePointer<Node>) -> Int {
    var x = element
    while true {
      let p = nodes[x].parent
      if p < 0 { return x }
      let grandparent = nodes[Int(p)].parent
      if grandparent < 0 { return Int(p) }
      nodes[x].parent = grandparent
      x = Int(grandparent)
    }
  }

  /// Joins the sets whose roots are `a` and `b` (distinct), records `internalDifference`
  /// at the new root and returns it.
  @inline(__always)
  @discardableResult
  static func union(_ a: Int, _ b: Int, internalDifference: Float, in nodes: UnsafeMutablePointer<Node>) -> Int {
    let sizeA = nodes[a].size, sizeB = nodes[b].size
    let (big, small) = (sizeA > sizeB || (sizeA == sizeB && a < b)) ? (a, b) : (b, a)
    // Sizes and indices fit Int32 (checked by `init`): no overflow checks in the hot loop.
    nodes[big].parent = 0 &- (sizeA &+ sizeB)
    nodes[small].parent = Int32(truncatingIfNeeded: big)
    nodes[big].internalDifference = internalDifference
    return big
  }

  /// The root of `element`'s set; halves the path on the way.
  mutating func root(of element: Int) -> Int {
    withUnsafeNodes { DisjointSet.root(of: element, in: $0) }
  }

  /// Size of the set whose root is `root`.
  func size(ofRoot root: Int) -> Int { Int(nodes[root].size) }

  /// Internal difference of the set whose root is `root`.
  func internalDifference(ofRoot root: Int) -> Float { nodes[root].internalDifference }

  /// Joins the sets whose roots are `a` and `b` (distinct) and returns the new root.
  @discardableResult
  mutating func union(_ a: Int, _ b: Int, internalDifference: Float = 0) -> Int {
    precondition(a != b, "DisjointSet.union: \(a) is already joined")
    precondition(nodes[a].isRoot && nodes[b].isRoot, "DisjointSet.union: \(a) or \(b) is not a root")
    return withUnsafeNodes { DisjointSet.union(a, b, internalDifference: internalDifference, in: $0) }
  }

  /// The sets as a dense label map, numbered in raster order of first appearance.
  mutating func labelMap(width: Int, height: Int) -> LabelMap {
    let n = count
    let labelOfRootStorage = LargeBuffer<Int32>(uninitializedCount: n)
    labelOfRootStorage.buffer.initialize(repeating: -1)
    var labels = [Int32](repeating: 0, count: n)
    var next: Int32 = 0
    withUnsafeNodes { nodes in
      withExtendedLifetime(labelOfRootStorage) {
        let labelOfRoot = labelOfRootStorage.buffer
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
