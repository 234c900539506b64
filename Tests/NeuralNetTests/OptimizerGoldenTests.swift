import NeuralNet
import RegionKitTestSupport
import Testing

/// SGD and Adam against PyTorch (`nn_layers.json`, two steps; atol 1e-6 + rtol 1e-5).
@Suite struct OptimizerGoldenTests {
  let golden: GoldenFile
  let inputs: GoldenCase

  init() throws {
    golden = try GoldenFile("nn_layers.json")
    inputs = golden.sharedInputs
  }

  func parameters() throws -> [Parameter] {
    [Parameter(try inputs.nnTensor("opt_p0")), Parameter(try inputs.nnTensor("opt_p1"))]
  }

  func setGradients(_ parameters: inout [Parameter], step: Int) throws {
    parameters[0].gradient = try inputs.nnTensor("opt_g0_step\(step)")
    parameters[1].gradient = try inputs.nnTensor("opt_g1_step\(step)")
  }

  func close(_ got: Tensor?, _ expected: GoldenCase, _ key: String) throws -> Bool {
    guard let got else { return false }
    return closeMismatch(
      got.data, try expected.nnTensor("expected", key).data, atol: 1e-6, rtol: 1e-5) == nil
  }

  @Test func sgdWithMomentumAndWeightDecay() throws {
    let expected = try golden.case("sgd_momentum")
    var optimizer = try SGD(learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4)
    var parameters = try parameters()
    for step in 1...2 {
      try setGradients(&parameters, step: step)
      for index in 0..<2 {
        optimizer.update("p\(index)", &parameters[index])
        #expect(try close(parameters[index].value, expected, "p\(index)_after_step\(step)"))
        #expect(
          try close(
            optimizer.momentumBuffers["p\(index)"], expected,
            "p\(index)_momentum_buffer_after_step\(step)"))
      }
    }
  }

  @Test func adam() throws {
    let expected = try golden.case("adam")
    var optimizer = Adam(learningRate: 1e-3)
    var parameters = try parameters()
    for step in 1...2 {
      try setGradients(&parameters, step: step)
      for index in 0..<2 {
        optimizer.update("p\(index)", &parameters[index])
        #expect(try close(parameters[index].value, expected, "p\(index)_after_step\(step)"))
        #expect(
          try close(
            optimizer.firstMoments["p\(index)"], expected, "p\(index)_exp_avg_after_step\(step)"))
        #expect(
          try close(
            optimizer.secondMoments["p\(index)"], expected, "p\(index)_exp_avg_sq_after_step\(step)"
          ))
      }
    }
  }
}
