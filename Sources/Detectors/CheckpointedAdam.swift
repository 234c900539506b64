import Foundation
import NeuralNet

/// Adam (Kingma & Ba 2015) whose moments can be saved to and restored from tensors, for
/// resumable training.
///
/// The update is the same arithmetic, in the same order, as NeuralNet's ``/NeuralNet/Adam`` with L2
/// weight decay (PyTorch's `torch.optim.Adam`), so the two give bit-identical parameters
/// (checked in `CheckpointedAdamTests`). It exists only because ``/NeuralNet/Adam``'s moments are
/// read-only outside NeuralNet; once ``/NeuralNet/Adam`` can be restored, this type should go.
///
///     var optimizer = CheckpointedAdam(learningRate: 1e-3)
///     optimizer.step(&model)
///     let saved = optimizer.stateTensors()          // into optimizer.safetensors
///     var resumed = try CheckpointedAdam(learningRate: 1e-3, restoring: saved)
///
/// Reference: D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
public struct CheckpointedAdam: Optimizer {
  /// Step size. Default: `1e-3`.
  public var learningRate: Float
  /// L2 penalty added to the gradient. Default: `0`.
  public var weightDecay: Float
  /// First moments by parameter name.
  public private(set) var firstMoments: [String: Tensor] = [:]
  /// Second moments by parameter name.
  public private(set) var secondMoments: [String: Tensor] = [:]
  /// Steps taken, by parameter name.
  public private(set) var steps: [String: Int] = [:]

  /// Creates the optimizer with betas `(0.9, 0.999)` and epsilon `1e-8`.
  ///
  /// - Parameters:
  ///   - learningRate: Default: `1e-3`.
  ///   - weightDecay: Default: `0`.
  public init(learningRate: Float = 1e-3, weightDecay: Float = 0) {
    self.learningRate = learningRate
    self.weightDecay = weightDecay
  }

  /// Restores the moments saved by ``stateTensors()``.
  ///
  /// - Throws: ``DetectorsError/malformedCheckpoint(file:reason:)`` when a moment lacks its
  ///   partner or step count.
  public init(
    learningRate: Float = 1e-3, weightDecay: Float = 0, restoring tensors: [String: Tensor],
    source: String = "optimizer.safetensors"
  ) throws {
    self.init(learningRate: learningRate, weightDecay: weightDecay)
    for key in tensors.keys where key.hasPrefix("exp_avg.") {
      let name = String(key.dropFirst("exp_avg.".count))
      guard let second = tensors["exp_avg_sq.\(name)"], let step = tensors["step.\(name)"],
        step.count == 1
      else {
        throw DetectorsError.malformedCheckpoint(
          file: source, reason: "parameter \(name) lacks exp_avg_sq or step")
      }
      firstMoments[name] = tensors[key]
      secondMoments[name] = second
      steps[name] = Int(step.data[0])
    }
  }

  /// The state as tensors named `exp_avg.<param>`, `exp_avg_sq.<param>` and `step.<param>`
  /// (a one-element tensor).
  public func stateTensors() -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, moment) in firstMoments {
      result["exp_avg.\(name)"] = moment
      result["exp_avg_sq.\(name)"] = secondMoments[name]
      result["step.\(name)"] = Tensor(shape: [1], data: [Float(steps[name] ?? 0)])
    }
    return result
  }

  /// Updates every parameter of `model` from its accumulated gradient.
  public mutating func step<Model: Layer>(_ model: inout Model) {
    model.visitParameters { name, parameter in update(name, &parameter) }
  }

  /// Updates one named parameter.
  public mutating func update(_ name: String, _ parameter: inout Parameter) {
    let count = parameter.value.count
    let step = (steps[name] ?? 0) + 1
    var m = firstMoments[name]?.data ?? [Float](repeating: 0, count: count)
    var v = secondMoments[name]?.data ?? [Float](repeating: 0, count: count)
    let (beta1, beta2): (Float, Float) = (0.9, 0.999)
    let correction1 = 1 - pow(Double(beta1), Double(step))
    let correction2Root = Float((1 - pow(Double(beta2), Double(step))).squareRoot())
    let stepSize = Float(Double(learningRate) / correction1)
    let decay = weightDecay, eps: Float = 1e-8
    parameter.value.data.withUnsafeMutableBufferPointer { p in
      for index in 0..<count {
        var g = parameter.gradient.data[index]
        if decay != 0 { g += decay * p[index] }
        m[index] += (1 - beta1) * (g - m[index])
        v[index] = beta2 * v[index] + (1 - beta2) * g * g
        let denominator = v[index].squareRoot() / correction2Root + eps
        p[index] -= stepSize * (m[index] / denominator)
      }
    }
    steps[name] = step
    firstMoments[name] = Tensor(shape: parameter.value.shape, data: m)
    secondMoments[name] = Tensor(shape: parameter.value.shape, data: v)
  }
}
