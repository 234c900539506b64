import Boxes
import Foundation
import Testing

@testable import Proposals

@Suite struct DiverseOrderingTests {
  let a = Box(x1: 0, y1: 0, x2: 100, y2: 100)
  /// IoU with `a`: 90 / 110 ≈ 0.818.
  let nearA = Box(x1: 10, y1: 0, x2: 110, y2: 100)
  let far = Box(x1: 200, y1: 200, x2: 260, y2: 260)

  /// The definition, recomputed from scratch at every step: the slow reference.
  func reference(_ boxes: [Box], _ scores: [Float], _ gamma: Float) -> [(index: Int, score: Float)]
  {
    var taken: [Int] = []
    var result: [(index: Int, score: Float)] = []
    var left = Array(boxes.indices)
    while !left.isEmpty {
      var best = -1
      var bestScore: Float = -1
      for i in left {
        let m = taken.map { boxes[i].iou(boxes[$0]) }.max() ?? 0
        let s = scores[i] * (1 - Float(pow(Double(m), Double(gamma))))
        if s > bestScore {
          best = i
          bestScore = s
        }
      }
      taken.append(best)
      result.append((best, bestScore))
      left.removeAll { $0 == best }
    }
    return result
  }

  @Test func aNearDuplicateFallsBelowANewObjectOfSimilarScore() {
    let order = diverseOrder(
      boxes: [a, nearA, far], scores: [0.9, 0.85, 0.5], redundancyExponent: 2)
    #expect(order.map(\.index) == [0, 2, 1])
    // 0.85 · (1 − 0.818²) ≈ 0.281.
    #expect(abs(order[2].score - 0.85 * (1 - pow(90 / 110, 2))) < 1e-5)
  }

  /// What a one-object image needs: a confident shifted copy stays above weak boxes.
  @Test func aConfidentCopyStaysAboveWeakBoxes() {
    let order = diverseOrder(
      boxes: [a, nearA, far], scores: [0.9, 0.85, 0.05], redundancyExponent: 2)
    #expect(order.map(\.index) == [0, 1, 2])
  }

  @Test func exponentZeroKeepsTheScoreOrderWithTiesByIndex() {
    let order = diverseOrder(
      boxes: [a, nearA, far, a], scores: [0.5, 0.9, 0.5, 0.9], redundancyExponent: 0)
    #expect(order.map(\.index) == [1, 3, 0, 2])
    #expect(order.map(\.score) == [0.9, 0.9, 0.5, 0.5])
  }

  /// The discount uses the largest overlap only, not a product over every earlier box.
  @Test func theDiscountUsesTheLargestOverlapOnly() {
    let left = Box(x1: 0, y1: 0, x2: 50, y2: 100)
    let right = Box(x1: 50, y1: 0, x2: 100, y2: 100)
    // `a` overlaps `left` and `right` each at IoU 0.5.
    let order = diverseOrder(
      boxes: [left, right, a], scores: [1, 1, 0.8], redundancyExponent: 1)
    #expect(order.map(\.index) == [0, 1, 2])
    #expect(abs(order[2].score - 0.4) < 1e-6)  // 0.8 · (1 − 0.5), not 0.8 · 0.5 · 0.5
  }

  @Test(arguments: [Float(1), 2, 3.5])
  func matchesTheReferenceOnRandomBoxes(gamma: Float) {
    var random = SplitMix64(seed: 11)
    let boxes = (0..<60).map { _ in
      let x = random.nextUnitFloat() * 80, y = random.nextUnitFloat() * 80
      return Box(
        x1: x, y1: y, x2: x + 5 + random.nextUnitFloat() * 40,
        y2: y + 5 + random.nextUnitFloat() * 40)
    }
    // Scores on a coarse grid, so ties occur and their breaking is checked too.
    let scores = boxes.indices.map { _ in Float(1 + random.next() % 8) / 8 }
    let fast = diverseOrder(boxes: boxes, scores: scores, redundancyExponent: gamma)
    let slow = reference(boxes, scores, gamma)
    #expect(fast.map(\.index) == slow.map(\.index))
    for (f, s) in zip(fast, slow) { #expect(abs(f.score - s.score) < 1e-5) }
    #expect(Set(fast.map(\.index)) == Set(boxes.indices))
    #expect(zip(fast, fast.dropFirst()).allSatisfy { $0.score >= $1.score })
    let again = diverseOrder(boxes: boxes, scores: scores, redundancyExponent: gamma)
    #expect(again.map(\.index) == fast.map(\.index) && again.map(\.score) == fast.map(\.score))
  }

  @Test func emptyAndSingleInputs() {
    #expect(diverseOrder(boxes: [], scores: [], redundancyExponent: 2).isEmpty)
    let one = diverseOrder(boxes: [a], scores: [0.3], redundancyExponent: 2)
    #expect(one.map(\.index) == [0] && one.map(\.score) == [0.3])
  }
}
