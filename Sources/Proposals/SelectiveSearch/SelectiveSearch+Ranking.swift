import Boxes
import ProposalIO

extension SelectiveSearch {
  /// The seed of strategy `index`'s random stream: a SplitMix64 output of `seed` advanced
  /// `index + 1` golden-gamma steps, so streams differ and do not depend on scheduling.
  static func strategySeed(_ seed: UInt64, index: Int) -> UInt64 {
    SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15).nextWithoutAdvancing()
  }

  /// Ranks the boxes of every hierarchy (Uijlings et al. 2013, section 4.1; strategies that
  /// follow OpenCV weigh by level as OpenCV does), removes duplicates, applies the filters
  /// and the cap, and scales boxes back to the input image.
  func ranked(
    _ hierarchies: [MergeHierarchy], scaleX: Float, scaleY: Float, width: Float, height: Float
  ) -> [Proposal] {
    struct Entry {
      var value: Double
      var strategy: Int32
      var node: Int32
    }
    var entries: [Entry] = []
    entries.reserveCapacity(hierarchies.reduce(0) { $0 + $1.count })
    for (index, hierarchy) in hierarchies.enumerated() {
      var generator = SplitMix64(seed: Self.strategySeed(seed, index: index))
      // OpenCV ranks by the node's level (1 for initial regions, then one more than the
      // higher child) instead of the paper's position: small regions first.
      let levels = strategies[index].followsOpenCV ? hierarchy.levels() : []
      for node in 0..<hierarchy.count {
        // A uniform number in (0, 1], so no position is multiplied to 0.
        let random = 1 - generator.nextUnitDouble()
        let weight = levels.isEmpty ? hierarchy.position(of: node) : levels[node]
        entries.append(
          Entry(value: Double(weight) * random, strategy: Int32(index), node: Int32(node)))
      }
    }
    entries.sort {
      if $0.value != $1.value { return $0.value < $1.value }
      if $0.strategy != $1.strategy { return $0.strategy < $1.strategy }
      return $0.node < $1.node
    }
    var seen = Set<Box>()
    var proposals: [Proposal] = []
    let limit = maxProposals ?? Int.max
    for entry in entries {
      if proposals.count >= limit { break }
      let hierarchy = hierarchies[Int(entry.strategy)]
      let node = Int(entry.node)
      let box = hierarchy.boxes[node]
      guard seen.insert(box).inserted else { continue }
      let scaled = Box(
        x1: box.x1 * scaleX, y1: box.y1 * scaleY, x2: min(box.x2 * scaleX, width),
        y2: min(box.y2 * scaleY, height))
      let boxWidth = scaled.x2 - scaled.x1, boxHeight = scaled.y2 - scaled.y1
      guard boxWidth >= minimumSide, boxHeight >= minimumSide else { continue }
      guard max(boxWidth / boxHeight, boxHeight / boxWidth) <= maximumAspectRatio else { continue }
      let strategy = strategies[Int(entry.strategy)]
      proposals.append(
        Proposal(
          box: scaled, score: Float(1 / entry.value),
          provenance: Provenance(
            method: name, colorSpace: strategy.colorSpace.rawValue, k: strategy.threshold,
            strategy: strategy.similarity.description, level: hierarchy.position(of: node))))
    }
    return proposals
  }
}

extension SplitMix64 {
  /// The next output of a copy of this generator (the generator itself is unchanged).
  fileprivate func nextWithoutAdvancing() -> UInt64 {
    var copy = self
    return copy.next()
  }
}
