import NeuralNet
import Testing

/// Nesterov SGD, AdamW and learning-rate schedules on hand-computed values.
@Suite struct OptimizerTests {
  @Test func nesterovUsesGradientPlusMomentumBuffer() throws {
    var optimizer = try SGD(learningRate: 0.1, momentum: 0.5, nesterov: true)
    var parameter = Parameter(Tensor(shape: [1], data: [1]))
    parameter.gradient = Tensor(shape: [1], data: [2])
    optimizer.update("p", &parameter)  // buf = 2, step = 2 + 0.5 * 2 = 3
    #expect(abs(parameter.value.data[0] - 0.7) < 1e-6)
    optimizer.update("p", &parameter)  // buf = 0.5 * 2 + 2 = 3, step = 2 + 1.5 = 3.5
    #expect(abs(parameter.value.data[0] - 0.35) < 1e-6)
  }

  @Test func adamWDecaysWeightsDirectly() {
    var decoupled = Adam.adamW(learningRate: 0.1, weightDecay: 0.5)
    var coupled = Adam(learningRate: 0.1, weightDecay: 0.5)
    var a = Parameter(Tensor(shape: [1], data: [2]))
    var b = a
    decoupled.update("p", &a)  // zero gradient: only the decay moves p, 2 * (1 - 0.05)
    coupled.update("p", &b)  // gradient 1 from the decay: the first Adam step moves by lr
    #expect(abs(a.value.data[0] - 1.9) < 1e-6)
    #expect(abs(b.value.data[0] - 1.9) < 1e-5)
    decoupled.update("p", &a)
    #expect(abs(a.value.data[0] - 1.805) < 1e-6)
  }

  @Test func schedules() throws {
    let step = LearningRateSchedule.step(stepSize: 3, gamma: 0.1)
    #expect(try step.learningRate(at: 2, base: 1) == 1)
    #expect(try abs(step.learningRate(at: 3, base: 1) - 0.1) < 1e-7)
    let cosine = LearningRateSchedule.cosine(totalSteps: 10, minimum: 0.1)
    #expect(try cosine.learningRate(at: 0, base: 1) == 1)
    #expect(try abs(cosine.learningRate(at: 5, base: 1) - 0.55) < 1e-6)
    #expect(try cosine.learningRate(at: 12, base: 1) == 0.1)
    let warm = LearningRateSchedule.linearWarmup(steps: 4, startFactor: 0.2, then: .constant)
    #expect(try abs(warm.learningRate(at: 0, base: 0.5) - 0.1) < 1e-7)
    #expect(try abs(warm.learningRate(at: 2, base: 0.5) - 0.3) < 1e-7)
    #expect(try warm.learningRate(at: 4, base: 0.5) == 0.5)
  }

  @Test func nesterovWithoutMomentumThrowsNamingTheFieldAndValue() {
    let error = NeuralNetError.invalidParameter(
      type: "SGD", field: "momentum", value: "0.0", expected: "more than 0 with Nesterov momentum")
    #expect(throws: error) { try SGD(learningRate: 0.1, nesterov: true) }
    #expect(error.description.contains("momentum") && error.description.contains("0.0"))
  }

  @Test func schedulesWithoutStepsThrowNamingTheFieldAndValue() {
    let error = NeuralNetError.invalidParameter(
      type: "LearningRateSchedule.step", field: "stepSize", value: "0", expected: "at least 1")
    #expect(throws: error) {
      try LearningRateSchedule.step(stepSize: 0, gamma: 0.1).learningRate(at: 3, base: 1)
    }
    #expect(error.description.contains("stepSize") && error.description.contains("0"))
    let warm = LearningRateSchedule.linearWarmup(
      steps: 2, startFactor: 0.1, then: .cosine(totalSteps: -5, minimum: 0))
    #expect(
      throws: NeuralNetError.invalidParameter(
        type: "LearningRateSchedule.cosine", field: "totalSteps", value: "-5",
        expected: "at least 1")
    ) { try warm.learningRate(at: 3, base: 1) }
  }
}
