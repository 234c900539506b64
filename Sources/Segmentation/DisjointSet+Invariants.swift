#if REGIONKIT_INTERNAL_CHECKS
  extension DisjointSet {
    /// Checks the structure's invariants and stops with a message naming the first broken one.
    ///
    /// Compiled only with `REGIONKIT_INTERNAL_CHECKS` (defined by `make test`). Checks that
    /// every parent lies in range, that every element reaches a root within `count` steps (no
    /// cycles), that each root's size equals the number of elements in its tree, and that
    /// internal differences are finite and non-negative.
    /// - Complexity: O(*n*²) in the worst case, O(*n*) for compressed forests.
    func checkInvariants() {
      let n = count
      var members = [Int](repeating: 0, count: n)
      for element in 0..<n {
        var x = element
        var steps = 0
        while true {
          if isRoot(x) { break }
          let p = Int(parents[x])
          precondition(
            p < n && p != x, "DisjointSet: parent \(p) of \(x) outside 0..<\(n) or itself")
          x = p
          steps += 1
          precondition(steps <= n, "DisjointSet: element \(element) is on a cycle")
        }
        members[x] += 1
      }
      for element in 0..<n where isRoot(element) {
        let size = size(ofRoot: element), difference = internalDifference(ofRoot: element)
        precondition(
          size == members[element],
          "DisjointSet: root \(element) records size \(size) but has \(members[element]) elements")
        precondition(
          difference.isFinite && difference >= 0,
          "DisjointSet: root \(element) has internal difference \(difference)")
      }
    }
  }
#endif
