import NeuralNet
import Testing

/// BatchNorm2d, GroupNorm and Dropout: finite differences, statistics and determinism.
@Suite struct NormalizationTests {
  let image = GradientCheck.random([3, 4, 5, 6], seed: 21)

  func withAffine<L: Layer>(_ layer: L) -> L {
    // Non-trivial γ and β so their gradients and the input gradient are all exercised.
    var copy = layer
    copy.visitParameters { name, parameter in
      parameter.value =
        GradientCheck.random(parameter.value.shape, seed: name == "weight" ? 5 : 6)
        + Tensor(shape: parameter.value.shape, repeating: name == "weight" ? 1.5 : 0)
    }
    return copy
  }

  @Test func batchNormTrainingGradients() {
    #expect(
      GradientCheck.maximumError(withAffine(BatchNorm2d(channels: 4)), input: image, step: 1e-2)
        < 2e-3)
  }

  @Test func batchNormEvaluationGradients() {
    var layer = withAffine(BatchNorm2d(channels: 4))
    layer.runningMean = GradientCheck.random([4], seed: 8)
    layer.setTraining(false)
    #expect(GradientCheck.maximumError(layer, input: image, step: 1e-2) < 2e-3)
  }

  @Test func batchNormStatistics() {
    var layer = BatchNorm2d(channels: 4)
    let output = layer.forward(image)
    // Each output channel has mean 0 and (biased) variance 1 / (1 + eps / var).
    for c in 0..<4 {
      var values: [Double] = []
      for n in 0..<3 {
        for i in 0..<30 { values.append(Double(output.data[(n * 4 + c) * 30 + i])) }
      }
      let mean = values.reduce(0, +) / 90
      let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 90
      #expect(abs(mean) < 1e-5)
      #expect(abs(variance - 1) < 1e-3)
    }
    #expect(layer.batchesTracked.data == [1])
    // running_var moved a tenth of the way from 1 towards the unbiased batch variance.
    #expect(layer.runningVariance.data.allSatisfy { $0 != 1 })
    var names: [String] = []
    layer.visitBuffers { name, _ in names.append(name) }
    #expect(names == ["running_mean", "running_var", "num_batches_tracked"])
  }

  @Test func groupNormGradients() {
    #expect(
      GradientCheck.maximumError(
        withAffine(GroupNorm(groups: 2, channels: 4)), input: image, step: 1e-2) < 2e-3)
  }

  @Test func dropoutProbabilityOutOfRangeThrowsNamingTheFieldAndValue() {
    let error = NeuralNetError.invalidParameter(
      type: "Dropout", field: "probability", value: "1.0", expected: "0 to below 1")
    #expect(throws: error) { try Dropout(probability: 1, seed: 0) }
    #expect(error.description.contains("probability") && error.description.contains("1.0"))
    #expect(throws: NeuralNetError.self) { try Dropout(probability: -0.1, seed: 0) }
  }

  @Test func dropoutIsSeededScaledAndIdentityInEvaluation() throws {
    var first = try Dropout(probability: 0.25, seed: 3)
    var second = try Dropout(probability: 0.25, seed: 3)
    let ones = Tensor(shape: [4000], repeating: 1)
    let a = first.forward(ones)
    #expect(a == second.forward(ones))
    let kept = a.data.filter { $0 != 0 }
    #expect(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
    #expect(abs(Double(kept.count) / 4000 - 0.75) < 0.03)
    let gradient = first.backward(ones)
    #expect(gradient == a)
    #expect(first.forward(ones) != a)  // the generator advances
    first.setTraining(false)
    #expect(first.forward(image) == image)
  }
}
