import Boxes
import Edges
import Foundation
import Testing

@testable import Proposals

/// The fast scorer (run lists along the frame, affinity lists by decreasing affinity, early
/// exit against a threshold) against a brute-force reading of the paper's formula.
@Suite struct EdgeBoxScorerTests {
  /// A random map of short straight strokes at random orientations, seeded.
  static func randomMap(width: Int, height: Int, seed: UInt64) -> EdgeMap {
    var random = SplitMix64(seed: seed)
    var strength = [Float](repeating: 0, count: width * height)
    var orientation = [Float](repeating: 0, count: width * height)
    for _ in 0..<40 {
      let angle = random.nextUnitFloat() * .pi
      var x = Float(random.next() % UInt64(width)), y = Float(random.next() % UInt64(height))
      let length = 3 + Int(random.next() % 25)
      let magnitude = 0.2 + 0.8 * random.nextUnitFloat()
      for _ in 0..<length {
        let px = Int(x), py = Int(y)
        guard px >= 0, py >= 0, px < width, py < height else { break }
        strength[py * width + px] = magnitude
        orientation[py * width + px] = angle + .pi / 2  // gradient across the stroke
        x += cos(angle)
        y += sin(angle)
      }
    }
    return EdgeMap(width: width, height: height, strength: strength, orientation: orientation)
  }

  /// The score straight from the definition: straddling groups by scanning the frame's pixels,
  /// affinity reach by relaxing every pair until nothing changes, sums over groups directly.
  static func referenceScore(
    _ groups: EdgeGroups, _ edges: [Float], x0: Int, y0: Int, x1: Int, y1: Int, kappa: Float
  ) -> Double {
    let w = groups.width
    var straddling = Set<Int>()
    for y in y0...y1 {
      for x in x0...x1 where y == y0 || y == y1 || x == x0 || x == x1 {
        let g = Int(groups.ids[y * w + x])
        if g >= 0 { straddling.insert(g) }
      }
    }
    func inside(_ g: Int, strict: Bool) -> Bool {
      let r = groups.representative[g]
      let x = Int(r.x), y = Int(r.y)
      return strict
        ? x > x0 && x < x1 && y > y0 && y < y1 : x >= x0 && x <= x1 && y >= y0 && y <= y1
    }
    var reach = [Float](repeating: 0, count: groups.count)
    for g in straddling { reach[g] = 1 }
    var changed = true
    while changed {
      changed = false
      for g in 0..<groups.count where reach[g] > 0 {
        for k in Int(groups.neighbourStart[g])..<Int(groups.neighbourStart[g + 1]) {
          let j = Int(groups.neighbours[k])
          let next = reach[g] * groups.affinities[k]
          guard next >= EdgeBoxScorer.minimumReach, !straddling.contains(j),
            inside(j, strict: true), next > reach[j]
          else { continue }
          reach[j] = next
          changed = true
        }
      }
    }
    var total = 0.0
    for g in 0..<groups.count where inside(g, strict: false) {
      total += Double(groups.magnitude[g]) * (1 - Double(reach[g]))
    }
    let bw = x1 - x0 + 1, bh = y1 - y0 + 1
    let ix0 = x0 + bw / 4, iy0 = y0 + bh / 4
    var inner = 0.0
    for y in iy0..<(iy0 + bh / 2) {
      for x in ix0..<(ix0 + bw / 2) where groups.ids[y * w + x] >= 0 {
        inner += Double(edges[y * w + x])
      }
    }
    return (total - inner) / pow(Double(2 * (bw + bh)), Double(kappa))
  }

  @Test func fastScoringMatchesTheReferenceOnRandomMaps() {
    var random = SplitMix64(seed: 7)
    for seed in 0..<4 as Range<UInt64> {
      let map = Self.randomMap(width: 70, height: 50, seed: seed)
      let groups = EdgeGroups(edges: map)
      #expect(groups.count > 10 && !groups.affinities.isEmpty)
      let scorer = EdgeBoxScorer(groups: groups, edges: map.strength, kappa: 1.5)
      for _ in 0..<60 {
        let x0 = Int(random.next() % 60), y0 = Int(random.next() % 40)
        let x1 = x0 + 1 + Int(random.next() % UInt64(69 - x0))
        let y1 = y0 + 1 + Int(random.next() % UInt64(49 - y0))
        let fast = Double(scorer.score(x0: x0, y0: y0, x1: x1, y1: y1))
        let slow = Self.referenceScore(
          groups, map.strength, x0: x0, y0: y0, x1: x1, y1: y1, kappa: 1.5)
        #expect(abs(fast - slow) < 1e-5, "seed \(seed) box \(x0) \(y0) \(x1) \(y1)")
      }
    }
  }

  @Test func thresholdedScoresAreExactAboveAndBoundsBelow() {
    var random = SplitMix64(seed: 11)
    let map = Self.randomMap(width: 90, height: 60, seed: 3)
    let groups = EdgeGroups(edges: map)
    let scorer = EdgeBoxScorer(groups: groups, edges: map.strength, kappa: 1.5)
    for _ in 0..<300 {
      let x0 = Int(random.next() % 80), y0 = Int(random.next() % 50)
      let x1 = x0 + 1 + Int(random.next() % UInt64(89 - x0))
      let y1 = y0 + 1 + Int(random.next() % UInt64(59 - y0))
      let exact = scorer.score(x0: x0, y0: y0, x1: x1, y1: y1)
      let threshold = exact + (random.nextUnitFloat() - 0.5) * 0.02
      let got = scorer.score(x0: x0, y0: y0, x1: x1, y1: y1, threshold: threshold)
      if exact > threshold {
        #expect(got == exact)
      } else {
        #expect(got <= threshold && got >= exact - 1e-6)
      }
    }
  }
}
