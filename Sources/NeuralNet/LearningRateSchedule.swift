import Foundation

/// A learning rate as a function of the step (or epoch) number: step decay, cosine
/// annealing (Loshchilov & Hutter 2017) and linear warm-up (Goyal et al. 2017).
///
///     let schedule = LearningRateSchedule.linearWarmup(steps: 100, startFactor: 0.001,
///                                                      then: .cosine(totalSteps: 1000, minimum: 0))
///     optimizer.learningRate = try schedule.learningRate(at: step, base: 0.02)
public indirect enum LearningRateSchedule: Sendable, Equatable {
  /// Always the base rate.
  case constant
  /// `base * gamma^(floor(step / stepSize))` (PyTorch's `StepLR`).
  case step(stepSize: Int, gamma: Float)
  /// `minimum + (base - minimum) * (1 + cos(pi * step / totalSteps)) / 2`, then `minimum`
  /// (PyTorch's `CosineAnnealingLR` closed form).
  case cosine(totalSteps: Int, minimum: Float)
  /// The factor grows linearly from `startFactor` to 1 over `steps` steps (PyTorch's
  /// `LinearLR`), then `then` takes over counting from 0.
  case linearWarmup(steps: Int, startFactor: Float, then: LearningRateSchedule)

  /// The learning rate at a step.
  ///
  /// - Parameters:
  ///   - step: 0-based step (or epoch) index.
  ///   - base: the optimiser's base learning rate.
  /// - Returns: the rate to use for that step.
  /// - Throws: ``NeuralNetError/invalidParameter(type:field:value:expected:)`` naming
  ///   `stepSize` or `totalSteps` when it is not positive.
  public func learningRate(at step: Int, base: Float) throws(NeuralNetError) -> Float {
    switch self {
    case .constant:
      return base
    case .step(let stepSize, let gamma):
      guard stepSize > 0 else {
        throw .invalidParameter(
          type: "LearningRateSchedule.step", field: "stepSize", value: "\(stepSize)",
          expected: "at least 1")
      }
      return base * pow(gamma, Float(step / stepSize))
    case .cosine(let totalSteps, let minimum):
      guard totalSteps > 0 else {
        throw .invalidParameter(
          type: "LearningRateSchedule.cosine", field: "totalSteps", value: "\(totalSteps)",
          expected: "at least 1")
      }
      if step >= totalSteps { return minimum }
      let progress = Double(step) / Double(totalSteps)
      return minimum + (base - minimum) * Float((1 + cos(Double.pi * progress)) / 2)
    case .linearWarmup(let steps, let startFactor, let then):
      if step < steps {
        let factor = startFactor + (1 - startFactor) * Float(step) / Float(steps)
        return base * factor
      }
      return try then.learningRate(at: step - steps, base: base)
    }
  }
}
