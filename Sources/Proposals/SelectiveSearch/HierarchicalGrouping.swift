import Boxes
import HeapModule
import Segmentation

/// Selective search's hierarchical grouping (Uijlings et al. 2013, algorithm 1) on one
/// initial segmentation with one similarity set.
///
/// Regions live in slots (one per initial region). Merging the most similar neighbouring
/// pair writes the union into the lower slot and retires the other, so the histogram
/// arrays never grow. Candidate pairs sit in a max-heap (swift-collections `Heap`) keyed
/// by similarity; a merge bumps the surviving slot's version, which invalidates every
/// queued pair that names it (lazy deletion) instead of searching the heap, and pushes the
/// fresh similarities to the merged region's neighbours. Adjacency is sparse: each slot
/// keeps a neighbour list whose entries may name retired slots, resolved on use through
/// the retired slot's forward link. No dense *n* × *n* matrix is ever built.
///
/// Ties between equal similarities go to the pair with the lower slot numbers, so the
/// result is deterministic.
struct HierarchicalGrouping {
  /// A queued pair of slots with their versions when the similarity was computed.
  struct Candidate: Comparable {
    var similarity: Float
    var a: Int32
    var b: Int32
    var versionA: UInt32
    var versionB: UInt32

    static func < (lhs: Candidate, rhs: Candidate) -> Bool {
      if lhs.similarity != rhs.similarity { return lhs.similarity < rhs.similarity }
      if lhs.a != rhs.a { return lhs.a > rhs.a }
      return lhs.b > rhs.b
    }

    static func == (lhs: Candidate, rhs: Candidate) -> Bool {
      lhs.similarity == rhs.similarity && lhs.a == rhs.a && lhs.b == rhs.b
    }
  }

  /// Groups `regions` (the statistics of an initial segmentation) until no neighbouring
  /// pair is left.
  ///
  /// - Parameters:
  ///   - regions: Size, bounds and neighbours of each initial region.
  ///   - histograms: Their colour/texture histograms (consumed: merged in place).
  ///   - similarity: The similarity measure.
  /// - Returns: The merge hierarchy, leaves first.
  /// - Complexity: O(*D* (*h* + log *D*)) for *D* the sum over merges of the merged
  ///   region's neighbour count and *h* the histogram length.
  static func group(
    regions: [Region], histograms: RegionHistograms, similarity: SelectiveSearch.Similarity
  ) -> MergeHierarchy {
    let n = regions.count
    var histograms = histograms
    var hierarchy = MergeHierarchy(leafBoxes: regions.map(\.bounds), leafSizes: regions.map(\.size))
    var sizes = regions.map(\.size)
    var boxes = regions.map(\.bounds)
    var node = Array(0..<n)
    var version = [UInt32](repeating: 0, count: n)
    var alive = [Bool](repeating: true, count: n)
    var forward = [Int32](repeating: -1, count: n)
    var neighbours = regions.map { $0.neighbours.map { Int32($0) } }
    var initial: [Candidate] = []
    initial.reserveCapacity(regions.reduce(0) { $0 + $1.neighbours.count } / 2)
    for a in 0..<n {
      for b in regions[a].neighbours where b > a {
        let s = similarity(a, b, histograms: histograms, sizes: sizes, boxes: boxes)
        initial.append(Candidate(similarity: s, a: Int32(a), b: Int32(b), versionA: 0, versionB: 0))
      }
    }
    var heap = Heap(initial)
    initial = []
    var mark = [UInt32](repeating: 0, count: n)
    var stamp: UInt32 = 0

    /// The live slot that `slot` was merged into, compressing the forward path.
    func resolve(_ slot: Int32) -> Int32 {
      var root = slot
      while !alive[Int(root)] { root = forward[Int(root)] }
      var current = slot
      while current != root {
        let next = forward[Int(current)]
        forward[Int(current)] = root
        current = next
      }
      return root
    }

    while let best = heap.popMax() {
      let a = Int(best.a), b = Int(best.b)
      guard alive[a], alive[b], version[a] == best.versionA, version[b] == best.versionB else {
        continue
      }
      node[a] = hierarchy.merge(node[a], node[b])
      histograms.merge(a, b, sizeA: sizes[a], sizeB: sizes[b])
      sizes[a] += sizes[b]
      let boxA = boxes[a], boxB = boxes[b]
      boxes[a] = Box(
        x1: min(boxA.x1, boxB.x1), y1: min(boxA.y1, boxB.y1), x2: max(boxA.x2, boxB.x2),
        y2: max(boxA.y2, boxB.y2))
      alive[b] = false
      forward[b] = Int32(a)
      version[a] &+= 1
      // The merged region's neighbours: both lists, resolved, without duplicates or itself.
      stamp &+= 1
      mark[a] = stamp
      var merged: [Int32] = []
      merged.reserveCapacity(neighbours[a].count + neighbours[b].count)
      for list in [neighbours[a], neighbours[b]] {
        for entry in list {
          let slot = resolve(entry)
          if mark[Int(slot)] != stamp {
            mark[Int(slot)] = stamp
            merged.append(slot)
          }
        }
      }
      neighbours[b] = []
      for slot in merged {
        let other = Int(slot)
        let s = similarity(a, other, histograms: histograms, sizes: sizes, boxes: boxes)
        let (low, high) = a < other ? (a, other) : (other, a)
        heap.insert(
          Candidate(
            similarity: s, a: Int32(low), b: Int32(high), versionA: version[low],
            versionB: version[high]))
      }
      neighbours[a] = merged
    }
    #if REGIONKIT_INTERNAL_CHECKS
      hierarchy.checkInvariants()
    #endif
    return hierarchy
  }
}
