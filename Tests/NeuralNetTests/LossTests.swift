import NeuralNet
import Testing

/// The multi-task helper and edge cases of the losses.
@Suite struct LossTests {
  @Test func weightedSumIsOneLine() {
    let logits = Tensor(shape: [2, 3], data: [1, 2, 3, 0, 0, 0])
    let deltas = Tensor(shape: [2, 2], data: [1, -1, 0, 2])
    let ce = crossEntropy(logits, labels: [2, 0])
    let l1 = l1Loss(deltas, Tensor(zeros: [2, 2]))
    let total = weightedLossSum((0.5, ce), (0.5, l1))
    #expect(abs(total.value - (0.5 * ce.value + 0.5 * l1.value)) < 1e-6)
    #expect(total.gradients[0] == ce.gradient * 0.5)
    #expect(total.gradients[1] == l1.gradient * 0.5)
    #expect(total.termValues == [ce.value, l1.value])
  }

  @Test func allIgnoredCrossEntropyIsZero() {
    let loss = crossEntropy(
      Tensor(shape: [2, 2], data: [1, 2, 3, 4]), labels: [-1, -1], ignoreIndex: -1)
    #expect(loss.value == 0)
    #expect(loss.gradient.data.allSatisfy { $0 == 0 })
  }

  @Test func crossEntropyGradientMatchesFiniteDifferences() {
    let logits = GradientCheck.random([4, 5], seed: 3)
    let labels = [0, 4, -100, 2]
    let weights: [Float] = [1, 2, 0.5, 1, 3]
    let analytic = crossEntropy(logits, labels: labels, classWeights: weights).gradient
    for index in 0..<logits.count {
      var plus = logits, minus = logits
      plus.data[index] += 1e-2
      minus.data[index] -= 1e-2
      let numeric =
        (crossEntropy(plus, labels: labels, classWeights: weights).value
          - crossEntropy(minus, labels: labels, classWeights: weights).value) / 2e-2
      #expect(abs(numeric - analytic.data[index]) < 1e-3)
    }
  }
}
