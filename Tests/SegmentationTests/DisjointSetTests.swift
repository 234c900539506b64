import Boxes
import Testing

@testable import Segmentation

@Suite struct DisjointSetTests {
  @Test func unionsBySizeAndTracksCounts() {
    var sets = DisjointSet(count: 6)
    let a = sets.union(sets.root(of: 0), sets.root(of: 1))
    #expect(a == 0)  // equal sizes: the lower root wins
    let b = sets.union(sets.root(of: 2), sets.root(of: 1))
    #expect(b == 0)  // the larger set's root wins
    #expect(sets.size(ofRoot: sets.root(of: 2)) == 3)
    #expect(sets.setCount == 4)
    #expect(sets.root(of: 5) == 5)
    #if REGIONKIT_INTERNAL_CHECKS
      sets.checkInvariants()
    #endif
  }

  @Test func matchesNaivePartitionUnderRandomUnions() {
    var generator = SplitMix64(seed: 3)
    let n = 200
    var sets = DisjointSet(count: n)
    var naive = Array(0..<n)  // naive[i] = set id, relabelled on each union
    for _ in 0..<150 {
      let x = Int.random(in: 0..<n, using: &generator)
      let y = Int.random(in: 0..<n, using: &generator)
      let rx = sets.root(of: x), ry = sets.root(of: y)
      if rx != ry {
        sets.union(rx, ry)
        let (old, new) = (naive[y], naive[x])
        for i in 0..<n where naive[i] == old { naive[i] = new }
      }
      #expect((sets.root(of: x) == sets.root(of: y)))
    }
    for i in 0..<n {
      for j in stride(from: 0, to: n, by: 7) {
        #expect((sets.root(of: i) == sets.root(of: j)) == (naive[i] == naive[j]))
      }
    }
    #expect(sets.setCount == Set(naive).count)
    #if REGIONKIT_INTERNAL_CHECKS
      sets.checkInvariants()
    #endif
  }
}
