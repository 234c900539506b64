import Boxes

/// Seeded random NMS inputs: boxes in clusters (so suppression happens), scores with two
/// decimals (so many tie), and class ids.
struct RandomBoxes {
  var boxes: [Box] = []
  var scores: [Float] = []
  var classIDs: [Int] = []

  /// - Parameters:
  ///   - count: Number of boxes.
  ///   - seed: Seed of the ``SplitMix64`` generator.
  ///   - integerCoordinates: Whole-pixel corners, so every IoU is computed from exact values.
  ///   - classes: Number of distinct class ids.
  init(count: Int, seed: UInt64, integerCoordinates: Bool = false, classes: Int = 4) {
    var generator = SplitMix64(seed: seed)
    let clusters = (0..<max(1, count / 8)).map { _ in
      (Float.random(in: 0..<400, using: &generator), Float.random(in: 0..<300, using: &generator))
    }
    for _ in 0..<count {
      let (cx, cy) = clusters[Int.random(in: 0..<clusters.count, using: &generator)]
      var x1 = cx + Float.random(in: -10..<10, using: &generator)
      var y1 = cy + Float.random(in: -10..<10, using: &generator)
      var width = Float.random(in: 4..<60, using: &generator)
      var height = Float.random(in: 4..<60, using: &generator)
      if integerCoordinates {
        x1.round()
        y1.round()
        width.round()
        height.round()
      }
      boxes.append(Box(x: x1, y: y1, width: width, height: height))
      scores.append((Float.random(in: 0..<1, using: &generator) * 100).rounded() / 100)
      classIDs.append(Int.random(in: 0..<classes, using: &generator))
    }
  }
}
