import Detectors
import NeuralNet
import Testing

@Suite struct CheckpointedAdamTests {
  static func gradient(_ step: Int, count: Int) -> Tensor {
    Tensor(shape: [count], data: (0..<count).map { Float(($0 * 7 + step * 3) % 11) / 5 - 1 })
  }

  /// Same arithmetic as NeuralNet's Adam: identical parameters after several steps.
  @Test(arguments: [Float(0), Float(0.01)])
  func matchesNeuralNetAdamBitForBit(weightDecay: Float) {
    var reference = Adam(learningRate: 0.01, weightDecay: weightDecay)
    var checkpointed = CheckpointedAdam(learningRate: 0.01, weightDecay: weightDecay)
    var a = Parameter(Tensor(shape: [6], data: [0.5, -1, 2, 0, 0.1, -0.3]))
    var b = a
    for step in 0..<5 {
      a.gradient = Self.gradient(step, count: 6)
      b.gradient = a.gradient
      reference.update("w", &a)
      checkpointed.update("w", &b)
    }
    #expect(a.value.data == b.value.data)
  }

  /// Saving after 3 steps and restoring gives the same parameters as 6 uninterrupted steps.
  @Test func restoredStateContinuesIdentically() throws {
    var straight = CheckpointedAdam(learningRate: 0.05)
    var p = Parameter(Tensor(shape: [4], data: [1, 2, 3, 4]))
    var q = p
    for step in 0..<3 {
      p.gradient = Self.gradient(step, count: 4)
      straight.update("w", &p)
    }
    q = p
    let saved = straight.stateTensors()
    #expect(Set(saved.keys) == ["exp_avg.w", "exp_avg_sq.w", "step.w"])
    var resumed = try CheckpointedAdam(learningRate: 0.05, restoring: saved)
    for step in 3..<6 {
      p.gradient = Self.gradient(step, count: 4)
      q.gradient = p.gradient
      straight.update("w", &p)
      resumed.update("w", &q)
    }
    #expect(p.value.data == q.value.data)
  }

  @Test func incompleteStateIsAnError() {
    #expect(throws: DetectorsError.self) {
      _ = try CheckpointedAdam(
        restoring: ["exp_avg.w": Tensor(zeros: [2])], source: "optimizer.safetensors")
    }
  }
}
