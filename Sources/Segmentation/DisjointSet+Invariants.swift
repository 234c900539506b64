#if REGIONKIT_INTERNAL_CHECKS
extension DisjointSet {
  /// Checks the structure's invariants and stops with a message naming the first broken one.
  ///
  /// Compiled only with `REGIONKIT_INTERNAL_CHECKS` (defined by `make test`). Checks that
  /// every parent lies in range, that every element reaches a root within `count` steps (no
  /// cycles), that each root's size equals the number of elements in its tree, and that
  /// ``setCount`` equals the number of roots.
  /// - Complexity: O(*n*²) in the worst case, O(*n*) for compressed forests.
  func checkInvariants() {
    let n = count
    var members = [Int](repeating: 0, count: n)
    var roots = 0
    for element in 0..<n {
      var x = element
      var steps = 0
      while true {
        let p = Int(parent[x])
        precondition(p >= 0 && p < n, "DisjointSet: parent \(p) of \(x) outside 0..<\(n)")
        if p == x { break }
        x = p
        steps += 1
        precondition(steps <= n, "DisjointSet: element \(element) is on a cycle")
      }
      members[x] += 1
      if x == element { roots += 1 }
    }
    for element in 0..<n where Int(parent[element]) == element {
      precondition(
        Int(size[element]) == members[element],
        "DisjointSet: root \(element) records size \(size[element]) but has \(members[element]) elements")
    }
    precondition(roots == setCount, "DisjointSet: \(roots) roots but setCount \(setCount)")
  }
}
#endif
