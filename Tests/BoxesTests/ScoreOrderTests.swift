import Testing

@testable import Boxes

@Suite struct ScoreOrderTests {
  @Test func descendingWithIndexTieBreakAndNaNDropped() {
    let scores: [Float] = [0.3, 0.7, 0.7, 0.3, .nan, -2, 0.7]
    #expect(descendingScoreOrder(scores) == [1, 2, 6, 0, 3, 5])
  }

  @Test func extremesAndSignedZeros() {
    let scores: [Float] = [
      -.infinity, .infinity, -0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    ]
    #expect(descendingScoreOrder(scores) == [1, 6, 4, 2, 3, 5, 7, 0])
  }

  @Test func equalsAStableComparatorSortOnSeededScores() {
    var generator = SplitMix64(seed: 11)
    let scores = (0..<2000).map { _ in
      (Float.random(in: -1..<1, using: &generator) * 50).rounded() / 50
    }
    let expected = scores.indices.sorted { a, b in
      scores[a] != scores[b] ? scores[a] > scores[b] : a < b
    }
    #expect(descendingScoreOrder(scores) == expected)
  }

  @Test func empty() {
    #expect(descendingScoreOrder([]).isEmpty)
  }
}
