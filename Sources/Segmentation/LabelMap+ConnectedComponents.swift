extension LabelMap {
  /// The 8-connected components of equal values in a class map, as a dense label map
  /// numbered in raster order of first appearance.
  ///
  /// Two pixels share a label when a chain of horizontal, vertical or diagonal steps joins
  /// them through pixels of the same class. k-means uses it to turn colour clusters into
  /// regions.
  ///
  ///     let map = LabelMap(connectedComponentsOf: [0, 1, 0,  0, 1, 1], width: 3, height: 2)
  ///     map.labels   // [0, 1, 2,  0, 1, 1]: the right-hand 0 touches no other 0
  ///
  /// - Parameters:
  ///   - classes: `width * height` class values, row-major.
  ///   - width: Number of columns, at least 1.
  ///   - height: Number of rows, at least 1.
  /// - Complexity: O(*n* α(*n*)) for *n* pixels (one union–find scan).
  public init(connectedComponentsOf classes: [Int32], width: Int, height: Int) {
    precondition(width >= 1 && height >= 1, "LabelMap: empty size \(width)x\(height)")
    precondition(
      classes.count == width * height, "LabelMap: \(classes.count) classes for \(width)x\(height)")
    var sets = DisjointSet(count: classes.count)
    classes.withUnsafeBufferPointer { c in
      @inline(__always) func join(_ p: Int, _ q: Int) {
        let a = sets.root(of: p), b = sets.root(of: q)
        if a != b { sets.union(a, b) }
      }
      for y in 0..<height {
        let row = y * width
        for x in 0..<width {
          let p = row + x
          let value = c[p]
          if x > 0 && c[p - 1] == value { join(p, p - 1) }
          if y > 0 {
            let up = p - width
            if c[up] == value { join(p, up) }
            if x > 0 && c[up - 1] == value { join(p, up - 1) }
            if x + 1 < width && c[up + 1] == value { join(p, up + 1) }
          }
        }
      }
    }
    #if REGIONKIT_INTERNAL_CHECKS
      sets.checkInvariants()
    #endif
    self = sets.labelMap(width: width, height: height)
  }
}
