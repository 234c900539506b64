/// Union–find over the integers `0..<count` with union by size and path halving.
///
/// Each set is a tree whose root represents it; ``root(of:)`` halves the path it walks, and
/// ``union(_:_:)`` hangs the smaller tree below the larger one (the lower root index wins a
/// tie), so every operation takes amortised O(α(*n*)) time. Storage is two flat `Int32`
/// arrays, so a 12-megapixel graph needs 96 MB and no per-element allocation.
///
///     var sets = DisjointSet(count: 4)
///     _ = sets.union(sets.root(of: 0), sets.root(of: 2))
///     sets.root(of: 2) == sets.root(of: 0)   // true
///     sets.size(ofRoot: sets.root(of: 0))     // 2
///
/// Invariants (checked by ``checkInvariants()`` in builds with `REGIONKIT_INTERNAL_CHECKS`):
/// parents lie in range, every path reaches a root, a root's size is the number of
/// elements below it, and ``setCount`` is the number of roots.
///
/// Reference: R. E. Tarjan, J. van Leeuwen, "Worst-case analysis of set union algorithms",
/// JACM 31(2), 1984. <https://doi.org/10.1145/62.2160>
struct DisjointSet {
  /// `parent[i] == i` for roots.
  private(set) var parent: [Int32]
  /// Set size, meaningful at roots only.
  private(set) var size: [Int32]
  /// Number of disjoint sets.
  private(set) var setCount: Int

  /// `count` singleton sets.
  init(count: Int) {
    precondition(count >= 0 && count <= Int(Int32.max), "DisjointSet: \(count) elements do not fit Int32")
    parent = (0..<Int32(count)).map { $0 }
    size = [Int32](repeating: 1, count: count)
    setCount = count
  }

  /// Number of elements.
  var count: Int { parent.count }

  /// The root of `element`'s set; halves the path on the way.
  @inline(__always)
  mutating func root(of element: Int) -> Int {
    var x = element
    parent.withUnsafeMutableBufferPointer { parent in
      while Int(parent[x]) != x {
        let grandparent = parent[Int(parent[x])]
        parent[x] = grandparent
        x = Int(grandparent)
      }
    }
    return x
  }

  /// Size of the set whose root is `root`.
  @inline(__always)
  func size(ofRoot root: Int) -> Int { Int(size[root]) }

  /// Joins the sets whose roots are `a` and `b` (distinct) and returns the new root.
  @inline(__always)
  @discardableResult
  mutating func union(_ a: Int, _ b: Int) -> Int {
    precondition(a != b, "DisjointSet.union: \(a) is already joined")
    let (big, small) = (size[a] > size[b] || (size[a] == size[b] && a < b)) ? (a, b) : (b, a)
    parent[small] = Int32(big)
    size[big] += size[small]
    setCount -= 1
    return big
  }
}
