import Boxes
import Detectors
import Testing

/// Linear SVM, hard-negative mining, Platt scaling and ridge regression.
@Suite struct LinearSVMTests {
  /// Two Gaussian-free clusters separated by the line x + y = 1 with a margin.
  static func separable(count: Int, seed: UInt64) -> (samples: [[Float]], labels: [Bool]) {
    var random = SplitMix64(seed: seed)
    var samples: [[Float]] = [], labels: [Bool] = []
    while samples.count < count {
      let x = random.nextUnitFloat() * 4 - 2, y = random.nextUnitFloat() * 4 - 2
      let side = x + y - 1
      guard abs(side) > 0.3 else { continue }
      samples.append([x, y])
      labels.append(side > 0)
    }
    return (samples, labels)
  }

  @Test func separatesALinearlySeparableSet() {
    let (samples, labels) = Self.separable(count: 200, seed: 3)
    let svm = LinearSVM(training: samples, positive: labels, c: 10, maxEpochs: 200)
    let correct = zip(samples, labels).filter { (svm.score($0) > 0) == $1 }.count
    #expect(correct == samples.count)
    // The direction is close to (1, 1) and the boundary near x + y = 1.
    #expect(svm.weights[0] > 0 && svm.weights[1] > 0)
    #expect(abs(svm.weights[0] / svm.weights[1] - 1) < 0.3)
    // Deterministic.
    #expect(svm == LinearSVM(training: samples, positive: labels, c: 10, maxEpochs: 200))
  }

  @Test func hardNegativeMiningAddsTheViolatingNegatives() {
    // Positives near (2, 2); the pool holds 100 easy negatives far away and 5 hard ones next
    // to the positives. Starting from 10 random negatives, the first round must add exactly
    // the negatives that the first machine scores above -1 — which include every hard one.
    var positives: [[Float]] = []
    for i in 0..<20 { positives.append([2 + Float(i % 5) * 0.1, 2 + Float(i / 5) * 0.1]) }
    var pool: [[Float]] = []
    for i in 0..<100 { pool.append([-3 - Float(i % 10) * 0.1, -3 - Float(i / 10) * 0.1]) }
    let hard = (0..<5).map { [1.2 + Float($0) * 0.05, 1.0] as [Float] }
    pool += hard
    let first = HardNegativeMining(initialNegatives: 10, rounds: 0, c: 1, seed: 5)
      .train(positives: positives, pool: pool)
    #expect(first.added == [10] && first.negativeIndices.count == 10)
    let expected = pool.indices.filter {
      !first.negativeIndices.contains($0) && first.machine.score(pool[$0]) > -1
    }
    #expect(!expected.isEmpty)
    let miner = HardNegativeMining(initialNegatives: 10, rounds: 1, c: 1, seed: 5)
    let result = miner.train(positives: positives, pool: pool)
    #expect(result.added == [10, expected.count])
    #expect(result.negativeIndices == (first.negativeIndices + expected).sorted())
    for index in 100..<105 { #expect(result.negativeIndices.contains(index)) }
    // Every hard negative now scores below every positive.
    let lowestPositive = positives.map { result.machine.score($0) }.min()!
    #expect(hard.allSatisfy { result.machine.score($0) < lowestPositive })
  }

  @Test func plattScalingIsMonotoneAndCalibrated() {
    let scores: [Float] = (0..<200).map { Float($0 - 100) / 25 }
    let positive = scores.map { $0 > 0 }
    let platt = PlattScaling(scores: scores, positive: positive)
    #expect(platt.a < 0)
    #expect(platt.probability(3) > 0.9 && platt.probability(-3) < 0.1)
    #expect(abs(platt.probability(0) - 0.5) < 0.1)
  }

  @Test func ridgeRegressionRecoversALinearMap() throws {
    var random = SplitMix64(seed: 11)
    var samples: [[Float]] = [], targets: [[Float]] = []
    for _ in 0..<300 {
      let x = (0..<5).map { _ in random.nextUnitFloat() * 2 - 1 }
      samples.append(x)
      targets.append([
        2 * x[0] - x[3] + 0.5, x[1] + x[2] + x[4] - 1,
      ])
    }
    let ridge = try RidgeRegression(
      samples: samples, targets: targets, outputCount: 2, lambda: 1e-3)
    let expected: [[Float]] = [[2, 0], [0, 1], [0, 1], [-1, 0], [0, 1]]
    for k in 0..<5 {
      for j in 0..<2 { #expect(abs(ridge.weights[k * 2 + j] - expected[k][j]) < 1e-2) }
    }
    #expect(abs(ridge.biases[0] - 0.5) < 1e-2 && abs(ridge.biases[1] + 1) < 1e-2)
    let prediction = ridge.predict([0.1, 0.2, 0.3, 0.4, 0.5])
    #expect(abs(prediction[0] - (0.2 - 0.4 + 0.5)) < 1e-2)
    // A large λ shrinks the weights towards 0, the bias towards the target mean.
    let shrunk = try RidgeRegression(
      samples: samples, targets: targets, outputCount: 2, lambda: 1e6)
    #expect(shrunk.weights.allSatisfy { abs($0) < 0.01 })
  }

  @Test func ridgeRegressionLambdaOutOfRangeThrowsNamingTheFieldAndValue() {
    let error = DetectorsError.invalidParameter(
      type: "RidgeRegression", field: "lambda", value: "0.0", expected: "a finite number above 0")
    #expect(throws: error) {
      try RidgeRegression(samples: [[1]], targets: [[1]], outputCount: 1, lambda: 0)
    }
    #expect(error.description.contains("lambda") && error.description.contains("0.0"))
    #expect(throws: DetectorsError.self) {
      try RidgeRegression(samples: [], targets: [], outputCount: 4, lambda: .nan)
    }
  }
}
