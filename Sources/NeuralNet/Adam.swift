import Foundation

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as PyTorch's
/// `torch.optim.Adam` / `AdamW` without amsgrad.
///
/// `m += (1 - β1)(g - m)`, `v = β2 v + (1 - β2) g²`,
/// `p -= (lr / (1 - β1ᵗ)) * m / (sqrt(v) / sqrt(1 - β2ᵗ) + ε)`. Adam adds `weightDecay * p`
/// to the gradient; AdamW (``adamW(learningRate:betas:epsilon:weightDecay:)``) instead
/// multiplies `p` by `1 - lr * weightDecay` before the update.
///
///     var optimizer = Adam.adamW(learningRate: 1e-3, weightDecay: 0.01)
///     optimizer.step(&model)
///
/// The moments and step counts can be saved and restored for resumable training
/// (``stateTensors()``, ``restoreState(from:source:)``), see ``CheckpointableOptimizer``.
///
/// Checked against PyTorch (goldens `nn_layers.json`, two steps with their moments).
public struct Adam: Optimizer {
  public var learningRate: Float
  /// `(β1, β2)`. Default: `(0.9, 0.999)`.
  public var betas: (Float, Float)
  /// ε added to the denominator. Default: 1e-8.
  public var epsilon: Float
  /// Weight decay. Default: 0 for Adam, 0.01 for AdamW.
  public var weightDecay: Float
  /// Decoupled weight decay (AdamW). Default: false.
  public var isDecoupled: Bool
  /// First moments by state-dict name (`exp_avg` in PyTorch).
  public internal(set) var firstMoments: [String: Tensor] = [:]
  /// Second moments by state-dict name (`exp_avg_sq` in PyTorch).
  public internal(set) var secondMoments: [String: Tensor] = [:]
  /// Steps taken per parameter name.
  public internal(set) var steps: [String: Int] = [:]

  /// Creates Adam.
  ///
  /// - Parameters:
  ///   - learningRate: Default: 1e-3.
  ///   - betas: Default: `(0.9, 0.999)`.
  ///   - epsilon: Default: 1e-8.
  ///   - weightDecay: L2 penalty added to the gradient. Default: 0.
  ///   - isDecoupled: apply decay to the weights directly (AdamW). Default: false.
  public init(
    learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8,
    weightDecay: Float = 0, isDecoupled: Bool = false
  ) {
    self.learningRate = learningRate
    self.betas = betas
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.isDecoupled = isDecoupled
  }

  /// AdamW: Adam with decoupled weight decay.
  ///
  /// - Parameters:
  ///   - learningRate: Default: 1e-3.
  ///   - betas: Default: `(0.9, 0.999)`.
  ///   - epsilon: Default: 1e-8.
  ///   - weightDecay: Default: 0.01 (PyTorch's).
  public static func adamW(
    learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8,
    weightDecay: Float = 0.01
  ) -> Adam {
    Adam(
      learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
      isDecoupled: true)
  }

  public mutating func step<Model: Layer>(_ model: inout Model) {
    model.visitParameters { name, parameter in update(name, &parameter) }
  }

  /// Updates one named parameter (also usable without a model).
  public mutating func update(_ name: String, _ parameter: inout Parameter) {
    let count = parameter.value.count
    let step = (steps[name] ?? 0) + 1
    steps[name] = step
    var m = firstMoments[name]?.data ?? [Float](repeating: 0, count: count)
    var v = secondMoments[name]?.data ?? [Float](repeating: 0, count: count)
    let (beta1, beta2) = betas
    let correction1 = 1 - pow(Double(beta1), Double(step))
    let correction2Root = Float((1 - pow(Double(beta2), Double(step))).squareRoot())
    let stepSize = Float(Double(learningRate) / correction1)
    let decay = weightDecay, rate = learningRate, eps = epsilon, decoupled = isDecoupled
    parameter.value.data.withUnsafeMutableBufferPointer { p in
      for index in 0..<count {
        var g = parameter.gradient.data[index]
        if decoupled {
          p[index] *= 1 - rate * decay
        } else if decay != 0 {
          g += decay * p[index]
        }
        m[index] += (1 - beta1) * (g - m[index])
        v[index] = beta2 * v[index] + (1 - beta2) * g * g
        let denominator = v[index].squareRoot() / correction2Root + eps
        p[index] -= stepSize * (m[index] / denominator)
      }
    }
    firstMoments[name] = Tensor(shape: parameter.value.shape, data: m)
    secondMoments[name] = Tensor(shape: parameter.value.shape, data: v)
  }
}
